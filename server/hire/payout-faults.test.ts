// Payout faults through the real wallet client and a real development node: a payment that
// stalls past the client's deadline stays pending, is looked up (never paid again) and settles
// once; a payment the node fails outright gives the balance back.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAccountByTokenHash, getBalance, hashToken } from '../ledger/index.js';
import { startDevnode } from '../lightning/devnode/index.js';
import { PhoenixdWallet } from '../lightning/phoenixd/wallet.js';
import { startTestDevnode, type TestDevnode } from '../testing/harness.js';
import { runScript } from '../testing/process.js';
import { openHireTest, type HireTest } from './testing/rig.js';

async function form(node: { url: string; password: string }, path: string, fields: Record<string, string>, method = 'POST'): Promise<any> {
  const res = await request(`${node.url}/${path}`, {
    method: method as 'POST',
    headers: { authorization: `Basic ${Buffer.from(`:${node.password}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'POST' ? { body: new URLSearchParams(fields).toString() } : {}),
  });
  return res.body.json();
}

describe('payout faults through a development node', () => {
  let receiver: TestDevnode;
  let payer: { url: string; password: string; close(): Promise<void> };
  let wallet: PhoenixdWallet;
  let t: HireTest;
  const logged: [string, string, object][] = [];
  const walletErrors: string[] = [];
  const msat = async (token: string) => getBalance(t.store.db, (await findAccountByTokenHash(t.store.db, hashToken(token)))!.id);
  const invoice = async (sats: number) => (await form(receiver, 'createinvoice', { amountSat: String(sats), description: 'payout' })).serialized as string;

  beforeAll(async () => {
    receiver = await startTestDevnode();
    const password = randomBytes(12).toString('hex');
    const node = await startDevnode({ host: '127.0.0.1', port: 0, password, peers: [{ url: receiver.url, password: receiver.password }] });
    payer = { url: node.url, password, close: () => node.close() };
    // payinvoice gives up after 300 ms: a slower payment's outcome is unknown to the server
    wallet = new PhoenixdWallet({ url: node.url, password, payTimeoutMs: 300 });
    t = await openHireTest('postgres', { wallet, realClock: true, observe: { log: { info: (o, m) => logged.push(['info', m, o]), warn: (o, m) => logged.push(['warn', m, o]), error: (o, m) => logged.push(['error', m, o]) }, onWalletError: (op) => walletErrors.push(op) } });
  });
  afterAll(async () => {
    await t?.close();
    await wallet?.close();
    await payer?.close();
    await receiver?.close();
  });

  it('a stalled payment stays pending, then reconciles once without paying twice', async () => {
    const token = await t.fund(500);
    const bolt11 = await invoice(200);
    await form(payer, '_devnode/next-payment', { outcome: 'pending', holdMs: '3000' });
    const errorsBefore = walletErrors.length;
    const pending = await t.hire.collect(token, bolt11);
    expect(pending).toMatchObject({ status: 'pending', preimage: null });
    // money in doubt is told to the operator: a warning and the wallet-errors metric
    expect(walletErrors.slice(errorsBefore)).toEqual(['payInvoice']);
    expect(logged).toContainEqual(['warn', expect.stringContaining('outcome is unknown'), expect.objectContaining({ paymentHash: pending.payment_hash, amountSats: 200 })]);
    expect(await msat(token)).toBe(500_000n - 200_000n - 11_000n); // amount and fee reserve held
    expect(await t.hire.reconcilePayouts(0)).toMatchObject({ pending: 1, succeeded: 0 });
    await expect(t.hire.collect(token, bolt11)).rejects.toMatchObject({ code: 'invalid_field_value' });

    // the node completes the payment when its stall ends; the reconcile job's passes settle it once
    const settled = { succeeded: 0, failed: 0 };
    await expect
      .poll(
        async () => {
          const pass = await t.hire.reconcilePayouts(0);
          settled.succeeded += pass.succeeded;
          settled.failed += pass.failed;
          return settled;
        },
        { timeout: 20_000, interval: 100 },
      )
      .toEqual({ succeeded: 1, failed: 0 });
    expect(logged).toContainEqual(['info', 'a payout whose outcome was unknown is settled', expect.objectContaining({ paymentHash: pending.payment_hash, outcome: 'succeeded' })]);
    expect(await t.hire.reconcilePayouts(0)).toEqual({ succeeded: 0, failed: 0, pending: 0 });
    expect(await msat(token)).toBe(300_000n);
    const hash = pending.payment_hash;
    expect(await form(receiver, `payments/incoming/${hash}`, {}, 'GET')).toMatchObject({ isPaid: true, receivedSat: 200 });
    expect(await t.hire.payoutStatus(token, hash)).toMatchObject({ status: 'succeeded', paid_sats: 200, balance_sats: 300 });
    expect((await t.ledger.audit()).problems).toEqual([]);
  });

  it("the operator's reconcile-payouts, run beside the server on PostgreSQL, asks the node and settles a payout in doubt once", async () => {
    const token = await t.fund(300);
    const bolt11 = await invoice(100);
    await form(payer, '_devnode/next-payment', { outcome: 'pending', holdMs: '1000' });
    const pending = await t.hire.collect(token, bolt11);
    expect(pending).toMatchObject({ status: 'pending' });
    // the node completes the payment when its stall ends; then the command learns it from the node
    await expect.poll(async () => (await form(receiver, `payments/incoming/${pending.payment_hash}`, {}, 'GET')).isPaid, { timeout: 20_000, interval: 100 }).toBe(true);
    const env = { DATABASE_URL: t.store.url!, PHOENIXD_URL: payer.url, PHOENIXD_PASSWORD: payer.password };
    const run = await runScript(['scripts/admin.ts', 'reconcile-payouts'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.output.slice(run.output.indexOf('{')))).toEqual({ succeeded: 1, failed: 0, pending: 0 });
    expect(await msat(token)).toBe(200_000n);
    expect(await t.hire.payoutStatus(token, pending.payment_hash)).toMatchObject({ status: 'succeeded', paid_sats: 100 });
    // with the development node, which lives inside the server, the command says so rather than "pending"
    const inside = await runScript(['scripts/admin.ts', 'reconcile-payouts'], { DATABASE_URL: t.store.url!, PHOENIXD_URL: '' });
    expect(inside.code).toBe(1);
    expect(inside.output).toContain('only the server can ask it');
    expect((await t.ledger.audit()).problems).toEqual([]);
  }, 60_000); // two child processes under a loaded CI machine

  it('a payment the node fails gives everything back at once', async () => {
    const token = await t.fund(100);
    await form(payer, '_devnode/next-payment', { outcome: 'fail' });
    await expect(t.hire.collect(token, await invoice(60))).rejects.toMatchObject({ code: 'invalid_field_value' });
    expect(await msat(token)).toBe(100_000n);
    expect((await t.ledger.audit()).problems).toEqual([]);
  });
});
