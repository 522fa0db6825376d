import { describe, expect, it } from 'vitest';
import { milestoneTaskFixture, taskFixture } from '../testing/hireFixture';
import { heldSats, releasedMilestoneSats, settlement, stakeSats } from './hireEscrow';

describe('what a milestone task holds and releases (120 + 80 sats)', () => {
  it('the first milestone delivered: 200 held, a confirm releases 120', () => {
    const task = milestoneTaskFixture('delivered', 0);
    expect(heldSats(task)).toBe(200);
    expect(stakeSats(task)).toBe(120);
    expect(releasedMilestoneSats(task)).toBe(0);
  });

  it('the first released: 80 held, the second at stake', () => {
    const task = milestoneTaskFixture('awarded', 1);
    expect(heldSats(task)).toBe(80);
    expect(stakeSats(task)).toBe(80);
    expect(releasedMilestoneSats(task)).toBe(120);
  });

  it('completed: every milestone released, nothing held', () => {
    const task = milestoneTaskFixture('completed', 1);
    expect(heldSats(task)).toBeNull();
    expect(releasedMilestoneSats(task)).toBe(200);
    expect(settlement(task)).toEqual({ toContractor: 200, toBuyer: 0 });
  });

  it('without milestones: the whole escrow is at stake', () => {
    const task = taskFixture({ status: 'delivered', price_sats: 250 });
    expect(heldSats(task)).toBe(250);
    expect(stakeSats(task)).toBe(250);
    expect(releasedMilestoneSats(task)).toBe(0);
  });
});

describe('where a closed escrow went', () => {
  it('the two sides get the server’s figures', () => {
    const split = milestoneTaskFixture('split', 1, { contractor_paid_sats: 150, buyer_refunded_sats: 50 });
    expect(settlement(split)).toEqual({ toContractor: 150, toBuyer: 50 });
  });

  it('anyone else: a refund returns what was held, released milestones stay paid; a split is not public', () => {
    expect(settlement(milestoneTaskFixture('refunded', 1))).toEqual({ toContractor: 120, toBuyer: 80 });
    expect(settlement(milestoneTaskFixture('split', 1))).toEqual({ toContractor: null, toBuyer: null });
    expect(settlement(milestoneTaskFixture('delivered', 0))).toBeNull();
  });
});
