// Races and restarts: crediting happens once, nothing is created or lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBalance, hashToken, findAccountByTokenHash } from '../ledger/index.js';
import { call, startTestDevnode, startTestServer, type TestServer } from '../testing/harness.js';

describe('top-up races on PostgreSQL', () => {
  let t: TestServer;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  beforeAll(async () => {
    t = await startTestServer({ store: 'postgres' });
  });
  afterAll(() => t.close());

  it('25 parallel claims of one preimage: exactly one succeeds', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 321 } });
    const preimage = await t.pay(created.body.invoice);
    const results = await Promise.all(Array.from({ length: 25 }, () => api('POST', '/api/v1/topup/claim', { body: { preimage } })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'payment_already_used')).toHaveLength(24);
    const balance = await api('GET', '/api/v1/balance', { headers: { 'x-token': ok[0]!.body.token } });
    expect(balance.body.balance_sats).toBe(321);
  });

  it('parallel refills, claims, polls and debits on one token never create or lose a millisatoshi', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 1000 } });
    const token = (await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token as string;
    const account = (await findAccountByTokenHash(t.server.db, hashToken(token)))!;
    const ledger = t.server.ledger;

    const refill = async () => {
      const r = await api('POST', '/api/v1/topup', { body: { amount_sats: 10 }, headers: { 'x-token': token } });
      const preimage = await t.pay(r.body.invoice);
      // status poll, webhook (sent by the devnode) and two claims race to credit it
      const claims = await Promise.all([
        api('GET', `/api/v1/topup/${r.body.payment_hash}`),
        api('POST', '/api/v1/topup/claim', { body: { preimage }, headers: { 'x-token': token } }),
        api('POST', '/api/v1/topup/claim', { body: { preimage } }),
      ]);
      expect(claims.slice(1).filter((c) => c.status === 200), JSON.stringify(claims.map((c) => [c.status, c.body]))).toHaveLength(1);
    };
    let debited = 0n;
    const debit = async () => {
      const r = await ledger.reserve({ tokenHash: hashToken(token), amountMsat: 30_000n, purpose: 'test', expiresAt: 2e9 });
      if (!r.ok) return;
      if (await ledger.settle(r.holdId, 30_000n)) debited += 30_000n;
    };
    await Promise.all([...Array.from({ length: 10 }, refill), ...Array.from({ length: 40 }, debit)]);
    expect(await getBalance(t.server.db, account.id)).toBe(1_000_000n + 100_000n - debited);
    const audit = await ledger.audit();
    expect(audit.problems).toEqual([]);
  });
});

describe.each(['pglite', 'postgres'] as const)('a restart between payment and claim on %s', (store) => {
  it('loses nothing', async () => {
    const devnode = await startTestDevnode();
    const first = await startTestServer({ store, devnode });
    try {
      const created = await call(first.url, 'POST', '/api/v1/topup', { body: { amount_sats: 42 } });
      await first.stop();
      const preimage = await first.pay(created.body.invoice);
      const second = await startTestServer({ store, devnode, dataDir: first.dataDir, ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}) });
      try {
        const claimed = await call(second.url, 'POST', '/api/v1/topup/claim', { body: { preimage } });
        expect(claimed.status).toBe(200);
        expect(claimed.body).toMatchObject({ credited_sats: 42, balance_sats: 42 });
        expect((await second.server.ledger.audit()).ok).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await first.close();
      await devnode.close();
    }
  });
});

describe('without a reachable Lightning node', () => {
  it('still starts and serves, and top-ups answer topup_unavailable', async () => {
    const devnode = await startTestDevnode();
    const deadUrl = devnode.url;
    await devnode.close();
    const t = await startTestServer({ store: 'pglite', devnode: { ...devnode, url: deadUrl } });
    try {
      expect((await call(t.url, 'GET', '/api/v1/health')).status).toBe(200);
      const res = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 10 } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('topup_unavailable');
    } finally {
      await t.close();
    }
  });
});
