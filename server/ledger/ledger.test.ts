import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import type { Db } from '../store/index.js';
import { createLedger, getBalance, hashToken, newToken, postJournal, InsufficientFundsError, type Ledger } from './index.js';
import { fundedAccount as depositFunded } from './testing.js';

const fundedAccount = (db: Db, ledger: Ledger, msat: bigint) => depositFunded(db, ledger, msat, { ref: (token) => token.slice(-8) });

describe.each(STORE_KINDS)('ledger on %s', (kind) => {
  let store: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ledger = await createLedger(store.db);
  });
  afterAll(() => store.close());

  it('reserves, then settles the price to revenue', async () => {
    const a = await fundedAccount(store.db, ledger, 100_000n);
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 30_000n, purpose: 'test', expiresAt: 2e9 });
    expect(r).toMatchObject({ ok: true, balanceMsat: 70_000n });
    if (!r.ok) return;
    expect(await ledger.settle(r.holdId, 30_000n)).toBe(true);
    expect(await ledger.settle(r.holdId, 30_000n)).toBe(false); // compare-and-set: once only
    expect(await ledger.release(r.holdId)).toBeNull();
    expect(await getBalance(store.db, a.id)).toBe(70_000n);
    const report = await ledger.audit();
    expect(report.problems).toEqual([]);
    expect(report.totals.revenueMsat).toBeGreaterThanOrEqual(30_000n);
  });

  it('settles part of a hold and returns the rest', async () => {
    const a = await fundedAccount(store.db, ledger, 50_000n);
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 20_000n, purpose: 'test', expiresAt: 2e9 });
    if (!r.ok) throw new Error('reserve failed');
    expect(await ledger.settle(r.holdId, 5_000n)).toBe(true);
    expect(await getBalance(store.db, a.id)).toBe(45_000n);
    expect((await ledger.audit()).ok).toBe(true);
  });

  it('releases a hold back to the balance exactly once', async () => {
    const a = await fundedAccount(store.db, ledger, 10_000n);
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 10_000n, purpose: 'test', expiresAt: 2e9 });
    if (!r.ok) throw new Error('reserve failed');
    expect(r.balanceMsat).toBe(0n);
    expect(await ledger.release(r.holdId)).toBe(10_000n);
    expect(await ledger.release(r.holdId)).toBeNull();
    expect(await ledger.settle(r.holdId, 10_000n)).toBe(false);
    expect(await getBalance(store.db, a.id)).toBe(10_000n);
  });

  it('refuses a reserve above the balance and names an unknown token', async () => {
    const a = await fundedAccount(store.db, ledger, 1_000n);
    expect(await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 1_001n, purpose: 't', expiresAt: 2e9 })).toEqual({
      ok: false,
      reason: 'insufficient',
      balanceMsat: 1_000n,
    });
    expect(await ledger.reserve({ tokenHash: hashToken(newToken()), amountMsat: 1n, purpose: 't', expiresAt: 2e9 })).toEqual({
      ok: false,
      reason: 'unknown_account',
    });
  });

  it('the database refuses a negative balance even from a journal entry', async () => {
    const a = await fundedAccount(store.db, ledger, 5_000n);
    await expect(
      store.db.tx((q) => postJournal(q, { kind: 'test', lines: [{ accountId: a.id, amountMsat: -5_001n }, { accountId: ledger.sys.revenue, amountMsat: 5_001n }] })),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(store.db.query(`UPDATE accounts SET balance_msat = -1 WHERE id = $1`, [a.id])).rejects.toThrow();
    expect(await getBalance(store.db, a.id)).toBe(5_000n);
  });

  it('refuses a journal entry that does not balance', async () => {
    await expect(store.db.tx((q) => postJournal(q, { kind: 'bad', lines: [{ accountId: ledger.sys.revenue, amountMsat: 1n }] }))).rejects.toThrow(/does not balance/);
  });

  it('sweeps expired holds back to their owners, once', async () => {
    const a = await fundedAccount(store.db, ledger, 9_000n);
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 9_000n, purpose: 'crash', expiresAt: 100 });
    if (!r.ok) throw new Error('reserve failed');
    const live = await ledger.reserve({ tokenHash: (await fundedAccount(store.db, ledger, 1_000n)).tokenHash, amountMsat: 1_000n, purpose: 'live', expiresAt: 100 });
    if (!live.ok) throw new Error('reserve failed');
    expect(await ledger.renew(live.holdId, 10_000)).toBe(true);
    expect(await ledger.sweepExpiredHolds(200)).toBeGreaterThanOrEqual(1);
    expect(await getBalance(store.db, a.id)).toBe(9_000n);
    expect(await ledger.settle(live.holdId, 1_000n)).toBe(true);
    expect(await ledger.sweepExpiredHolds(200)).toBe(0);
    expect((await ledger.audit()).ok).toBe(true);
  });

  it('the audit notices a balance changed behind the journal’s back', async () => {
    const a = await fundedAccount(store.db, ledger, 3_000n);
    await store.db.query(`UPDATE accounts SET balance_msat = balance_msat + 1 WHERE id = $1`, [a.id]);
    const report = await ledger.audit();
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/journal says 3000 msat/);
    await store.db.query(`UPDATE accounts SET balance_msat = balance_msat - 1 WHERE id = $1`, [a.id]);
    expect((await ledger.audit()).ok).toBe(true);
  });

  it('keeps the totals metrics read in step with every move, and the audit checks them', async () => {
    const a = await fundedAccount(store.db, ledger, 50_000n);
    const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 7_000n, purpose: 'test', expiresAt: 2e9 });
    if (!r.ok) throw new Error('reserve failed');
    expect(await ledger.settle(r.holdId, 2_500n)).toBe(true);
    const totals = await ledger.totals();
    const { totals: audited } = await ledger.audit();
    expect(totals).toMatchObject({ user_balances: audited.userBalancesMsat, revenue: audited.revenueMsat, holds: audited.heldMsat });
    expect(totals.lightning).toBe(-audited.depositsMsat + audited.withdrawalsMsat);

    await store.db.query(`UPDATE ledger_totals SET total_msat = total_msat + 1 WHERE account_key = 'revenue' AND bucket = (SELECT min(bucket) FROM ledger_totals WHERE account_key = 'revenue')`);
    expect((await ledger.audit()).problems.join('\n')).toMatch(/kept totals say \d+ msat for revenue, the journal \d+ msat/);
    await store.db.query(`UPDATE ledger_totals SET total_msat = total_msat - 1 WHERE account_key = 'revenue' AND bucket = (SELECT min(bucket) FROM ledger_totals WHERE account_key = 'revenue')`);
    expect((await ledger.audit()).ok).toBe(true);
  });
});

describe('ledger concurrency on PostgreSQL', () => {
  let store: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    store = await openTestStore('postgres');
    ledger = await createLedger(store.db);
  });
  afterAll(() => store.close());

  it('parallel reserves never overdraw and never lose a millisatoshi', async () => {
    const a = await fundedAccount(store.db, ledger, 100_000n);
    const results = await Promise.all(
      Array.from({ length: 60 }, () => ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 7_000n, purpose: 'race', expiresAt: 2e9 })),
    );
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(14); // floor(100000 / 7000)
    await Promise.all(won.map((r, i) => (r.ok ? (i % 2 ? ledger.settle(r.holdId, 7_000n) : ledger.release(r.holdId)) : null)));
    const released = won.filter((_, i) => i % 2 === 0).length;
    expect(await getBalance(store.db, a.id)).toBe(100_000n - 14n * 7_000n + BigInt(released) * 7_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('settle racing release on one hold: exactly one wins', async () => {
    const a = await fundedAccount(store.db, ledger, 10_000n);
    for (let i = 0; i < 10; i++) {
      const r = await ledger.reserve({ tokenHash: a.tokenHash, amountMsat: 1_000n, purpose: 'race', expiresAt: 2e9 });
      if (!r.ok) throw new Error('reserve failed');
      const [s, rel] = await Promise.all([ledger.settle(r.holdId, 1_000n), ledger.release(r.holdId)]);
      expect(Number(s) + Number(rel !== null)).toBe(1);
    }
    expect((await ledger.audit()).ok).toBe(true);
  });
});
