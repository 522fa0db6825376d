// Milestones and machine-checked delivery, called directly (run by domain.test.ts on PGlite and
// PostgreSQL): each milestone is delivered, checked or confirmed, and paid on its own; what
// remains in escrow is what a dispute, a refund or the audit sees.
import { createHash } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { findAccountByTokenHash, getBalance, hashToken } from '../../ledger/index.js';
import { milestones as parseMilestones, type MilestoneInput } from '../input-rules.js';
import { refused } from './lifecycle-cases.js';
import type { HireTest } from './rig.js';

const byToken = (token: string) => ({ token, l402: null });
const REPORT_SCHEMA = {
  type: 'object',
  required: ['summary', 'score'],
  properties: { summary: { type: 'string', minLength: 1 }, score: { type: 'integer', minimum: 0, maximum: 10 } },
  additionalProperties: false,
};
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export function milestoneCases(get: () => HireTest): void {
  let t: HireTest;
  const msat = async (token: string) => getBalance(t.store.db, (await findAccountByTokenHash(t.store.db, hashToken(token)))!.id);
  const audit = async () => expect((await t.ledger.audit()).problems).toEqual([]);
  beforeAll(() => {
    t = get();
  });

  /** a funded buyer's milestone task, quoted at its total by a contractor and accepted */
  async function awarded(list: MilestoneInput[]) {
    const buyer = await t.fund(2000);
    const contractor = await t.fund(100);
    const parts = parseMilestones(list, null, 100_000);
    const posted = await t.hire.postTask({ title: 'Three reports', description: 'One at a time.', ...parts }, byToken(buyer), 'ip');
    const taskId = posted.value.id;
    const quote = await t.hire.postQuote(taskId, { priceMsat: parts.budgetMsat, description: 'deal' }, byToken(contractor), 'ip');
    await t.hire.acceptQuote(buyer, { taskId, quoteId: quote.value.id }, null);
    return { buyer, contractor, taskId };
  }

  it('pays a three-milestone task part by part: confirmed, schema-checked, hash-checked', async () => {
    const report = JSON.stringify({ summary: 'all good', score: 7 });
    const { buyer, contractor, taskId } = await awarded([
      { title: 'Draft', amount_sats: 100 },
      { title: 'Report', amount_sats: 200, acceptance: { json_schema: REPORT_SCHEMA } },
      { title: 'Artifact', amount_sats: 300, acceptance: { sha256: sha('final bytes') } },
    ]);
    const start = await msat(contractor);
    const buyerAfterEscrow = await msat(buyer);
    let view = await t.hire.getTask(taskId, buyer);
    expect(view).toMatchObject({ status: 'awarded', price_sats: 600, budget_sats: 600, current_milestone: 0, released_sats: 0 });
    expect(view.milestones.map((m) => m.status)).toEqual(['in_work', 'pending', 'pending']);

    // 1: delivered and confirmed by the buyer: 100 sats out, the next milestone starts
    await t.hire.deliver(contractor, taskId, 'a draft');
    expect((await t.hire.getTask(taskId, null)).milestones[0]!.status).toBe('delivered');
    const after1 = await t.hire.confirm(buyer, taskId);
    expect(after1).toMatchObject({ status: 'awarded', current_milestone: 1, released_sats: 100, revisions_used: 0 });
    expect(await msat(contractor)).toBe(start + 100_000n);
    await refused(t.hire.confirm(buyer, taskId), 'invalid_state');
    await audit();

    // 2: a body failing the schema is refused with the reason and changes nothing
    const bad = await refused(t.hire.deliver(contractor, taskId, JSON.stringify({ summary: 'x', score: 11 })), 'invalid_field_value', 'body');
    expect(bad.message).toMatch(/\/score must be <= 10/);
    await refused(t.hire.deliver(contractor, taskId, 'not json'), 'invalid_field_value', 'body');
    expect((await t.hire.getTask(taskId, null)).status).toBe('awarded');
    // a passing one is released at once, without the buyer
    const after2 = await t.hire.deliver(contractor, taskId, report);
    expect(after2).toMatchObject({ status: 'awarded', current_milestone: 2, released_sats: 300 });
    expect(await msat(contractor)).toBe(start + 300_000n);

    // 3: the last, checked by hash: completes the task with the rest of the escrow
    await refused(t.hire.deliver(contractor, taskId, 'other bytes'), 'invalid_field_value', 'body');
    const done = await t.hire.deliver(contractor, taskId, 'final bytes');
    expect(done).toMatchObject({ status: 'completed', outcome: 'acceptance_check', released_sats: 300 });
    expect(done.milestones.map((m) => m.status)).toEqual(['released', 'released', 'released']);
    expect(await msat(contractor)).toBe(start + 600_000n);
    expect(await msat(buyer)).toBe(buyerAfterEscrow);
    view = await t.hire.getTask(taskId, buyer);
    expect(view).toMatchObject({ contractor_paid_sats: 600, buyer_refunded_sats: 0 });
    await audit();
  });

  it('a quote on a milestone task offers exactly their sum', async () => {
    const buyer = await t.fund(500);
    const contractor = await t.fund(100);
    const parts = parseMilestones([{ title: 'a', amount_sats: 40 }, { title: 'b', amount_sats: 60 }], null, 100_000);
    const taskId = (await t.hire.postTask({ title: 't', description: 'd', ...parts }, byToken(buyer), 'ip')).value.id;
    await refused(t.hire.postQuote(taskId, { priceMsat: 90_000n, description: 'cheaper' }, byToken(contractor), 'ip'), 'invalid_field_value', 'price_sats');
    const q = await t.hire.postQuote(taskId, { priceMsat: 100_000n, description: 'ok' }, byToken(contractor), 'ip');
    await refused(t.hire.editQuote(contractor, { taskId, quoteId: q.value.id }, { priceMsat: 120_000n, description: null }), 'invalid_field_value', 'price_sats');
    expect(() => parseMilestones([{ title: 'a', amount_sats: 40 }], 50_000n, 100_000)).toThrow(/budget_sats must equal/);
  });

  it('a dispute on the second milestone divides only what is still in escrow', async () => {
    const { buyer, contractor, taskId } = await awarded([
      { title: 'one', amount_sats: 100 },
      { title: 'two', amount_sats: 300 },
    ]);
    const start = await msat(contractor);
    const buyerStart = await msat(buyer);
    await t.hire.deliver(contractor, taskId, 'one');
    await t.hire.confirm(buyer, taskId);
    await t.hire.deliver(contractor, taskId, 'two');
    await t.hire.dispute(buyer, taskId, 'not what we agreed');
    await refused(t.hire.resolveDispute(taskId, { kind: 'split', contractorSats: 300 }), 'invalid_field_value', 'contractor_sats');
    const resolved = await t.hire.resolveDispute(taskId, { kind: 'split', contractorSats: 120 });
    expect(resolved).toMatchObject({ status: 'split', contractor_paid_sats: 220, buyer_refunded_sats: 180 });
    expect(resolved.milestones.map((m) => m.status)).toEqual(['released', 'split']);
    expect(await msat(contractor)).toBe(start + 220_000n);
    expect(await msat(buyer)).toBe(buyerStart + 180_000n);
    await audit();
  });

  it('each milestone has its own deadline; a missed one refunds the rest, the review deadline releases one', async () => {
    const { buyer, contractor, taskId } = await awarded([
      { title: 'quick', amount_sats: 50, deadline_seconds: 100 },
      { title: 'slow', amount_sats: 150, deadline_seconds: 5000 },
      { title: 'never', amount_sats: 200, deadline_seconds: 60 },
    ]);
    const start = await msat(contractor);
    const buyerStart = await msat(buyer);
    expect((await t.hire.getTask(taskId, null)).delivery_deadline_at).toBe(t.clock.now + 100);
    await t.hire.deliver(contractor, taskId, 'quick');
    t.clock.now += 600; // past the review deadline (500 s): the sweep releases milestone 1
    expect(await t.hire.sweep()).toMatchObject({ released: 1 });
    const second = await t.hire.getTask(taskId, null);
    expect(second).toMatchObject({ status: 'awarded', current_milestone: 1, delivery_deadline_at: t.clock.now + 5000 });
    await t.hire.deliver(contractor, taskId, 'slow');
    await t.hire.confirm(buyer, taskId);
    t.clock.now += 61; // the last milestone's 60 seconds are over
    expect(await t.hire.sweep()).toMatchObject({ refunded: 1 });
    const closed = await t.hire.getTask(taskId, buyer);
    expect(closed).toMatchObject({ status: 'refunded', outcome: 'delivery_deadline', contractor_paid_sats: 200, buyer_refunded_sats: 200 });
    expect(closed.milestones.map((m) => m.status)).toEqual(['released', 'released', 'refunded']);
    expect(await msat(contractor)).toBe(start + 200_000n);
    expect(await msat(buyer)).toBe(buyerStart + 200_000n);
    await audit();
  });

  it('a task without milestones may carry a check: the one delivery passes it or is refused', async () => {
    const buyer = await t.fund(1000);
    const contractor = await t.fund(100);
    const taskId = (await t.hire.postTask({ title: 'hash', description: 'exact bytes', budgetMsat: null, acceptance: { sha256: sha('42') } }, byToken(buyer), 'ip')).value.id;
    const quoteId = (await t.hire.postQuote(taskId, { priceMsat: 70_000n, description: 'sure' }, byToken(contractor), 'ip')).value.id;
    await t.hire.acceptQuote(buyer, { taskId, quoteId }, null);
    const start = await msat(contractor);
    const no = await refused(t.hire.deliver(contractor, taskId, '41'), 'invalid_field_value', 'body');
    expect(no.message).toContain(sha('41'));
    const done = await t.hire.deliver(contractor, taskId, '42');
    expect(done).toMatchObject({ status: 'completed', outcome: 'acceptance_check', milestones: [], current_milestone: null, acceptance: { sha256: sha('42') } });
    expect(await msat(contractor)).toBe(start + 70_000n);
    await audit();
  });

  it('the audit reports milestone releases that do not match the milestones', async () => {
    const { buyer, contractor, taskId } = await awarded([
      { title: 'one', amount_sats: 10 },
      { title: 'two', amount_sats: 20 },
    ]);
    await t.hire.deliver(contractor, taskId, 'one');
    await t.hire.confirm(buyer, taskId);
    await audit();
    await t.store.db.query(`UPDATE hire_tasks SET released_msat = 5000 WHERE id = $1`, [taskId]);
    const problems = (await t.ledger.audit()).problems.join('\n');
    expect(problems).toContain(`task ${taskId}: released 5000 msat for milestones worth 10000 msat`);
    expect(problems).toMatch(/tasks hold .* in escrow, the escrow account/);
    await t.store.db.query(`UPDATE hire_tasks SET released_msat = 10000 WHERE id = $1`, [taskId]);
    await audit();
  });
}
