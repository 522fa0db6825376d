// The ledger audit's AI for Hire checks can fail: a task or payout changed behind the
// journal's back is reported (run by domain.test.ts on both stores).
import { beforeAll, expect, it } from 'vitest';
import { foreignInvoice, type HireTest } from './rig.js';

export function auditCases(get: () => HireTest): void {
  let t: HireTest;
  beforeAll(() => {
    t = get(); // opened by the enclosing suite's beforeAll, which runs first
  });
  const byToken = (token: string) => ({ token, l402: null });
  const problems = async () => (await t.ledger.audit()).problems.join('\n');

  it('reports an escrow paid out twice or held by a closed task', async () => {
    const buyer = await t.fund(500);
    const contractor = await t.fund(20);
    const taskId = (await t.hire.postTask({ title: 'a', description: 'b', budgetMsat: null }, byToken(buyer), 'ip')).value.id;
    const quoteId = (await t.hire.postQuote(taskId, { priceMsat: 100_000n, description: 'q' }, byToken(contractor), 'ip')).value.id;
    await t.hire.acceptQuote(buyer, { taskId, quoteId }, null);
    expect(await problems()).toBe('');

    // closed on paper, but the money never left escrow
    await t.store.db.query(`UPDATE hire_tasks SET status = 'refunded', contractor_paid_msat = 0, buyer_refunded_msat = escrow_msat WHERE id = $1`, [taskId]);
    expect(await problems()).toMatch(new RegExp(`task ${taskId} \\(refunded.*1 escrow deposit.*0 payout`));
    expect(await problems()).toMatch(/tasks hold .* in escrow, the escrow account/);
    await t.store.db.query(`UPDATE hire_tasks SET status = 'awarded', contractor_paid_msat = NULL, buyer_refunded_msat = NULL WHERE id = $1`, [taskId]);
    expect(await problems()).toBe('');
  });

  it('reports pending payouts that the payouts_pending account does not hold', async () => {
    const token = await t.fund(100);
    t.wallet.script.push('pending');
    const inv = foreignInvoice(20_000n, { now: t.clock.now });
    await t.hire.collect(token, inv.bolt11);
    expect(await problems()).toBe('');
    await t.store.db.query(`UPDATE hire_payouts SET state = 'failed', resolved_at = 1 WHERE payment_hash = $1`, [inv.paymentHash]);
    expect(await problems()).toMatch(/pending payouts hold .* msat, the payouts_pending account/);
    expect(await problems()).toMatch(/\(failed\): held 1 time\(s\), released 0 time\(s\)/);
    await t.store.db.query(`UPDATE hire_payouts SET state = 'pending', resolved_at = NULL WHERE payment_hash = $1`, [inv.paymentHash]);
    t.wallet.finish(inv.paymentHash, 'succeed');
    await t.hire.reconcilePayouts(0);
    expect(await problems()).toBe('');
  });
}
