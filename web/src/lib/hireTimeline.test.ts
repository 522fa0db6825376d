import { describe, expect, it } from 'vitest';
import { milestoneTaskFixture, taskFixture } from '../testing/hireFixture';
import { heldSats } from './hireEscrow';
import { closingWords, formatUntil, taskDeadlines } from './hireTimeline';

const NOW = 1_700_000_000;

describe('formatUntil', () => {
  it('says days and hours, hours and minutes, minutes, or passed', () => {
    expect(formatUntil(3 * 86_400 + 2 * 3600 + 59)).toBe('in 3 days 2 h');
    expect(formatUntil(86_400)).toBe('in 1 day');
    expect(formatUntil(5 * 3600 + 7 * 60)).toBe('in 5 h 7 min');
    expect(formatUntil(59)).toBe('in less than a minute');
    expect(formatUntil(0)).toBe('passed');
  });
});

describe('task deadlines per side', () => {
  const awarded = taskFixture({ status: 'awarded', price_sats: 250, delivery_deadline_at: NOW + 2 * 86_400, expires_at: null });
  const delivered = taskFixture({ status: 'delivered', price_sats: 250, review_deadline_at: NOW + 3 * 86_400, delivered_at: NOW, expires_at: null });

  it('an open task: when it expires', () => {
    expect(taskDeadlines(taskFixture({ expires_at: NOW + 3600 }), 'buyer', NOW)).toMatchObject([{ key: 'expires', relative: 'in 1 h', label: 'Open for quotes until' }]);
  });

  it('awarded: the contractor must deliver, the buyer is told the escrow comes back', () => {
    expect(taskDeadlines(awarded, 'contractor', NOW)).toMatchObject([{ key: 'delivery', label: 'Deliver by', relative: 'in 2 days', consequence: expect.stringMatching(/250 sats go back to the buyer/) }]);
    expect(taskDeadlines(awarded, 'buyer', NOW)[0]!.consequence).toMatch(/250 sats come back to your balance/);
  });

  it('delivered: the review deadline and the automatic release, worded for each side', () => {
    expect(taskDeadlines(delivered, 'buyer', NOW)[0]).toMatchObject({ key: 'review', label: 'Review by', relative: 'in 3 days' });
    expect(taskDeadlines(delivered, 'buyer', NOW)[0]!.consequence).toMatch(/released to the contractor automatically/);
    expect(taskDeadlines(delivered, 'contractor', NOW)[0]!.consequence).toMatch(/released to you automatically/);
    expect(taskDeadlines(delivered, 'contractor', NOW + 4 * 86_400)[0]!.relative).toBe('passed');
  });

  it('no deadline once closed; escrow only while held', () => {
    expect(taskDeadlines(taskFixture({ status: 'completed', price_sats: 250 }), 'buyer', NOW)).toEqual([]);
    expect(heldSats(delivered)).toBe(250);
    expect(heldSats(taskFixture({ status: 'completed', price_sats: 250 }))).toBeNull();
  });
});

describe('a milestone task (120 + 80 sats) names the milestone, not the whole price', () => {
  it('the first delivered: the review releases 120; a missed delivery would refund all 200 still held', () => {
    const delivered = milestoneTaskFixture('delivered', 0, { review_deadline_at: NOW + 86_400 });
    expect(taskDeadlines(delivered, 'buyer', NOW)[0]!.consequence).toBe('Confirm, ask for changes or dispute before then; otherwise 120 sats are released to the contractor automatically.');
    expect(taskDeadlines(delivered, 'contractor', NOW)[0]!.consequence).toMatch(/, 120 sats are released to you automatically/);
    const awarded = milestoneTaskFixture('awarded', 0, { delivery_deadline_at: NOW + 86_400 });
    expect(taskDeadlines(awarded, 'buyer', NOW)[0]!.consequence).toBe('Without a delivery by then, 200 sats come back to your balance.');
  });

  it('the first released: only the 80 still held come back', () => {
    const next = milestoneTaskFixture('awarded', 1, { delivery_deadline_at: NOW + 86_400 });
    expect(taskDeadlines(next, 'buyer', NOW)[0]!.consequence).toBe('Without a delivery by then, 80 sats come back to your balance.');
    expect(taskDeadlines(next, 'contractor', NOW)[0]!.consequence).toBe('Without a delivery by then, 80 sats go back to the buyer.');
  });

  it('completed: all 200 went to the contractor', () => {
    const done = milestoneTaskFixture('completed', 1, { outcome: 'confirmed', contractor_paid_sats: 200, buyer_refunded_sats: 0 });
    expect(closingWords(done, 'buyer')).toBe('Completed: 200 sats went to the contractor.');
  });

  it('refunded after the first was released: both sides named, for each reader', () => {
    const refunded = milestoneTaskFixture('refunded', 1, { outcome: 'delivery_deadline', contractor_paid_sats: 120, buyer_refunded_sats: 80 });
    expect(closingWords(refunded, 'buyer')).toBe('Refunded: 80 sats came back to your balance (nothing was delivered by the deadline). The contractor keeps 120 sats for released milestones.');
    expect(closingWords(refunded, 'contractor')).toBe('Refunded: 80 sats went back to the buyer (nothing was delivered by the deadline). You keep 120 sats for released milestones.');
    const publicView = milestoneTaskFixture('refunded', 1, { outcome: 'delivery_deadline' });
    expect(closingWords(publicView, null)).toBe('Refunded: 80 sats to the buyer; the contractor keeps 120 sats for released milestones.');
  });

  it('split after the first was released: the contractor’s total counts the released milestone', () => {
    const split = milestoneTaskFixture('split', 1, { outcome: 'admin_split', contractor_paid_sats: 150, buyer_refunded_sats: 50 });
    expect(closingWords(split, 'contractor')).toBe('The operator split the escrow: 150 sats to your balance in all (120 sats of it for milestones released before), 50 sats back to the buyer.');
    expect(closingWords(split, 'buyer')).toBe('The operator split the escrow: 50 sats back to your balance, 150 sats to the contractor in all (120 sats of it for milestones released before).');
    expect(closingWords(milestoneTaskFixture('split', 1), null)).toBe('The operator split the escrow; the contractor keeps 120 sats for milestones released before.');
  });
});

describe('closing words per side', () => {
  it('never tells the contractor that the sats went to the contractor', () => {
    const done = taskFixture({ status: 'completed', price_sats: 250, outcome: 'confirmed' });
    expect(closingWords(done, 'buyer')).toBe('Completed: 250 sats went to the contractor.');
    expect(closingWords(done, 'contractor')).toBe('Completed: 250 sats were added to your balance. Withdraw them from the Account page.');
    expect(closingWords(taskFixture({ status: 'completed', price_sats: 250, outcome: 'review_deadline' }), 'contractor')).toMatch(/released automatically after the review deadline/);
  });

  it('refunds and splits, from each side', () => {
    const refunded = taskFixture({ status: 'refunded', price_sats: 250, outcome: 'delivery_deadline' });
    expect(closingWords(refunded, 'buyer')).toBe('Refunded: 250 sats came back to your balance (nothing was delivered by the deadline).');
    expect(closingWords(refunded, 'contractor')).toMatch(/^Refunded: 250 sats went back to the buyer/);
    const split = taskFixture({ status: 'split', price_sats: 250, contractor_paid_sats: 100, buyer_refunded_sats: 150 });
    expect(closingWords(split, 'contractor')).toBe('The operator split the escrow: 100 sats to your balance, 150 sats back to the buyer.');
    expect(closingWords(taskFixture({ status: 'open' }), 'buyer')).toBeNull();
  });
});
