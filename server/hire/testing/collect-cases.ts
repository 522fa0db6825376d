// Collect: invoice checks, the fee reserve, and the three payment outcomes (success, clean
// failure, unknown → reconciled later, once); run by domain.test.ts on PGlite and PostgreSQL.
import { beforeAll, expect, it } from 'vitest';
import { findAccountByTokenHash, getBalance, hashToken } from '../../ledger/index.js';
import { generateNodeKey } from '../../lightning/devnode/keys.js';
import { eventsFor } from '../events-store.js';
import { refused } from './lifecycle-cases.js';
import { foreignInvoice, type HireTest } from './rig.js';

export function collectCases(get: () => HireTest): void {
  let t: HireTest;
  const msat = async (token: string) => getBalance(t.store.db, (await findAccountByTokenHash(t.store.db, hashToken(token)))!.id);
  const invoice = (sats: number, opts: { expirySeconds?: number } = {}) => foreignInvoice(BigInt(sats) * 1000n, { now: t.clock.now, ...opts });
  const audit = async () => expect((await t.ledger.audit()).problems).toEqual([]);

  beforeAll(() => {
    t = get(); // opened by the enclosing suite's beforeAll, which runs first
  });

  it('pays, keeps only the routing fee actually paid, and books the withdrawal', async () => {
    const token = await t.fund(1000);
    t.wallet.feeMsat = 2_000n;
    const inv = invoice(500);
    const before = (await t.ledger.audit()).totals.withdrawalsMsat;
    const paid = await t.hire.collect(token, inv.bolt11);
    expect(paid).toMatchObject({ status: 'succeeded', paid_sats: 500, fee_sats: 2, fee_msat: 2000, balance_sats: 498, payment_hash: inv.paymentHash });
    expect(paid.preimage).toMatch(/^[0-9a-f]{64}$/);
    // the node is told the most routing may cost: the reserve the payout holds (0.5 % + 10 sats)
    expect(t.wallet.lastMaxFeeMsat).toBe(12_500n);
    expect(await msat(token)).toBe(498_000n);
    expect((await t.ledger.audit()).totals.withdrawalsMsat - before).toBe(502_000n);
    await refused(t.hire.collect(token, inv.bolt11), 'invalid_field_value'); // already paid
    expect(await t.hire.payoutStatus(token, inv.paymentHash)).toMatchObject({ status: 'succeeded', paid_sats: 500 });
    await audit();
  });

  it('charges at most the reserve when the route cost more (the operator pays the rest)', async () => {
    const token = await t.fund(1000);
    t.wallet.feeMsat = 50_000n; // reserve for 100 sats: 0.5 % + 10 sats = 10.5 sats
    const paid = await t.hire.collect(token, invoice(100).bolt11);
    expect(paid).toMatchObject({ fee_msat: 10_500 });
    expect(await msat(token)).toBe(1_000_000n - 100_000n - 10_500n);
    t.wallet.feeMsat = 0n;
    await audit();
  });

  it('a clean failure gives everything back; the same invoice may be tried again', async () => {
    const token = await t.fund(300);
    const inv = invoice(200);
    t.wallet.script.push('fail');
    const err = await refused(t.hire.collect(token, inv.bolt11), 'invalid_field_value');
    expect(err.message).toMatch(/no route/);
    expect(await msat(token)).toBe(300_000n);
    // its event says what it was for and that nothing was paid
    const account = (await findAccountByTokenHash(t.store.db, hashToken(token)))!.id;
    const events = await eventsFor(t.store.db, { accountId: account, afterId: 0n, withPublic: false, limit: 10 });
    expect(events.map((e) => [e.name, e.data])).toEqual([['payout.failed', { task_id: null, payment_hash: inv.paymentHash, amount_sats: 200, paid_sats: 0 }]]);
    expect(await t.hire.collect(token, inv.bolt11)).toMatchObject({ status: 'succeeded', paid_sats: 200 });
    expect(await msat(token)).toBe(100_000n);
    await audit();
  });

  it('a node that cannot be reached: 503 topup_unavailable, nothing taken, the same invoice payable once it is back', async () => {
    const token = await t.fund(300);
    const inv = invoice(200);
    t.wallet.script.push('unreachable');
    const err = await refused(t.hire.collect(token, inv.bolt11), 'topup_unavailable');
    expect(err.message).toMatch(/nothing was sent/);
    expect(await msat(token)).toBe(300_000n);
    expect(await t.hire.payoutStatus(token, inv.paymentHash)).toMatchObject({ status: 'failed', paid_sats: 0 });
    expect(await t.hire.collect(token, inv.bolt11)).toMatchObject({ status: 'succeeded', paid_sats: 200 });
    await audit();
  });

  it('an unknown outcome stays pending, is never paid twice, and reconciles once', async () => {
    const token = await t.fund(400);
    const inv = invoice(300);
    t.wallet.script.push('pending');
    const pending = await t.hire.collect(token, inv.bolt11);
    expect(pending).toMatchObject({ status: 'pending', paid_sats: 0, preimage: null });
    expect(await msat(token)).toBe(400_000n - 300_000n - 11_500n);
    await refused(t.hire.collect(token, inv.bolt11), 'invalid_field_value'); // still being paid
    const calls = t.wallet.payCalls;

    expect(await t.hire.reconcilePayouts(0)).toMatchObject({ pending: 1 });
    t.wallet.finish(inv.paymentHash, 'succeed');
    expect(await t.hire.reconcilePayouts(0)).toMatchObject({ succeeded: 1 });
    expect(await t.hire.reconcilePayouts(0)).toMatchObject({ succeeded: 0, pending: 0 });
    expect(t.wallet.payCalls).toBe(calls); // looked up, never paid again
    expect(await t.hire.payoutStatus(token, inv.paymentHash)).toMatchObject({ status: 'succeeded', paid_sats: 300, balance_sats: 100 });
    expect(await msat(token)).toBe(100_000n);
    await audit();
  });

  it('an exception while paying is not a failure: it stays pending until the wallet says', async () => {
    const token = await t.fund(400);
    const inv = invoice(300);
    t.wallet.script.push('throw');
    expect(await t.hire.collect(token, inv.bolt11)).toMatchObject({ status: 'pending' });
    expect(await t.hire.reconcilePayouts(0)).toMatchObject({ pending: 1 }); // the wallet never saw it, invoice still valid
    t.wallet.finish(inv.paymentHash, 'fail');
    expect(await t.hire.payoutStatus(token, inv.paymentHash)).toMatchObject({ status: 'failed', balance_sats: 400 });
    expect(await msat(token)).toBe(400_000n);
    await audit();
  });

  it('a payment the wallet never saw fails only long after its invoice expired', async () => {
    const token = await t.fund(100);
    const inv = invoice(50, { expirySeconds: 120 });
    t.wallet.script.push('throw');
    await t.hire.collect(token, inv.bolt11);
    t.wallet.sent.delete(inv.paymentHash);
    t.clock.now += 300;
    expect(await t.hire.reconcilePayouts(0)).toMatchObject({ failed: 0 });
    t.clock.now += 600;
    expect(await t.hire.reconcilePayouts(0)).toMatchObject({ failed: 1 });
    expect(await msat(token)).toBe(100_000n);
    await audit();
  });

  it('refuses invoices it must not pay, with field "invoice", and moves nothing', async () => {
    const token = await t.fund(100);
    const own = await t.wallet.createInvoice({ amountMsat: 10_000n, description: 'top-up', expirySeconds: 600 });
    const cases: [string, string, RegExp][] = [
      ['malformed', 'lnbcrt1notaninvoice', /not a valid BOLT11/],
      ['not an invoice at all', 'hello', /not a valid BOLT11/],
      ['zero-amount', foreignInvoice(null, { now: t.clock.now }).bolt11, /Zero-amount/],
      ['expired', foreignInvoice(10_000n, { now: t.clock.now - 7200 }).bolt11, /expired/],
      ['wrong network', foreignInvoice(10_000n, { now: t.clock.now, chain: 'testnet' }).bolt11, /testnet/],
      ['own node', own.bolt11, /own node/],
    ];
    for (const [, bolt11, message] of cases) {
      const err = await refused(t.hire.collect(token, bolt11), 'invalid_field_value');
      expect(err.details.field).toBe('invoice');
      expect(err.message).toMatch(message);
    }
    const tooBig = await refused(t.hire.collect(token, foreignInvoice(95_000n, { now: t.clock.now, key: generateNodeKey() }).bolt11), 'insufficient_balance');
    // 95 + 0.5 % + 10 sats, rounded up; the largest invoice it can pay is named (89 + 0.445 + 10 ≤ 100 < 90 + 0.45 + 10)
    expect(tooBig.details).toEqual({ balance_sats: 100, price_sats: 106, max_amount_sats: 89 });
    expect(tooBig.message).toContain('the most it can withdraw is 89 sats');
    expect(tooBig.message).not.toContain('Top up');
    expect(await msat(token)).toBe(100_000n);
    await refused(t.hire.collect(token, foreignInvoice(90_000n, { now: t.clock.now, key: generateNodeKey() }).bolt11), 'insufficient_balance');
    t.wallet.feeMsat = 0n;
    expect(await t.hire.collect(token, foreignInvoice(89_000n, { now: t.clock.now, key: generateNodeKey() }).bolt11)).toMatchObject({ status: 'succeeded', paid_sats: 89, balance_sats: 11 });
    await refused(t.hire.payoutStatus(token, 'ab'.repeat(32)), 'not_found');
    await audit();
  });
}
