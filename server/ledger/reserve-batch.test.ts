// Group commit of reservations, on PGlite and PostgreSQL: concurrent reserves share statements, and
// each caller gets its own hold or the same refusal it would get alone; no balance goes below zero.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/index.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { createLedger, getBalance, hashToken, newToken, type Ledger, type ReserveResult } from './index.js';
import { createReserveBatcher, type ReserveBatcher } from './reserve-batch.js';
import { countingQueryable, fundedAccount as funded } from './testing.js';

const NOW = 1_800_000_000;

const held = (r: ReserveResult): bigint => {
  if (!r.ok) throw new Error(`reserve refused: ${r.reason}`);
  return r.holdId;
};

describe.each(STORE_KINDS)('batched reservations on %s', (kind) => {
  let store: TestStore;
  let db: Db;
  let ledger: Ledger;
  let counted: ReturnType<typeof countingQueryable>;
  let batcher: ReserveBatcher;
  beforeAll(async () => {
    store = await openTestStore(kind);
    db = store.db;
    ledger = await createLedger(db, { now: () => NOW, reserveBatch: false });
    counted = countingQueryable(db);
    batcher = createReserveBatcher(counted, { max: 16 });
  });
  afterAll(() => store.close());
  const reserve = (tokenHash: Buffer, amountMsat: bigint, opts: { now?: number; api?: string } = {}) =>
    batcher.byToken({ tokenHash, amountMsat, purpose: 'test', expiresAt: 2e9, now: opts.now ?? NOW, api: opts.api ?? 'openai' });

  it('concurrent reserves on many accounts share statements; each gets its own hold, reported balance and exact debit', async () => {
    const accounts = await Promise.all(Array.from({ length: 40 }, (_x, i) => funded(db, ledger, 100_000n + BigInt(i))));
    const before = counted.statements;
    const results = await Promise.all(accounts.map((a, i) => reserve(a.tokenHash, 1_000n * BigInt(i + 1))));
    const statements = counted.statements - before;
    expect(statements).toBeLessThanOrEqual(Math.ceil(40 / 16) + 1);
    expect(statements).toBeGreaterThan(1); // at most 16 a statement

    const holds = new Set<bigint>();
    for (const [i, r] of results.entries()) {
      expect(r).toMatchObject({ ok: true, accountId: accounts[i]!.id, balanceMsat: 100_000n + BigInt(i) - 1_000n * BigInt(i + 1) });
      holds.add(held(r));
      expect(await getBalance(db, accounts[i]!.id)).toBe(100_000n + BigInt(i) - 1_000n * BigInt(i + 1));
    }
    expect(holds.size).toBe(40);
    const rows = await db.query<{ id: bigint; account_id: bigint; amount_msat: bigint; state: string }>(`SELECT id, account_id, amount_msat, state FROM holds WHERE id = ANY ($1::bigint[])`, [[...holds]]);
    for (const row of rows.rows) {
      const i = accounts.findIndex((a) => a.id === row.account_id);
      expect(row).toMatchObject({ amount_msat: 1_000n * BigInt(i + 1), state: 'held', id: held(results[i]!) });
    }
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('one account raced by more reserves than it can pay: exactly as many as it covers succeed, the rest are refused as too poor', async () => {
    const a = await funded(db, ledger, 35_000n);
    const results = await Promise.all(Array.from({ length: 12 }, () => reserve(a.tokenHash, 5_000n)));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    for (const r of results.filter((r) => !r.ok)) expect(r).toEqual({ ok: false, reason: 'insufficient', balanceMsat: 0n });
    expect(await getBalance(db, a.id)).toBe(0n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('refusals in a batch read as they do alone: unknown, too poor, another API, past a daily cap, revoked; the rest are held', async () => {
    const rich = await Promise.all([funded(db, ledger, 50_000n), funded(db, ledger, 50_000n)]);
    const poor = await funded(db, ledger, 2_000n);
    const parent = await funded(db, ledger, 500_000n);
    const onlyAnthropic = hashToken(newToken());
    await ledger.createChild({ parentId: parent.id, tokenHash: onlyAnthropic, amountMsat: 50_000n, expiresAt: null, maxMsatPerDay: null, apis: ['anthropic'] });
    const capped = hashToken(newToken());
    await ledger.createChild({ parentId: parent.id, tokenHash: capped, amountMsat: 50_000n, expiresAt: null, maxMsatPerDay: 4_000n, apis: null });
    const revoked = hashToken(newToken());
    const revokedId = await ledger.createChild({ parentId: parent.id, tokenHash: revoked, amountMsat: 50_000n, expiresAt: null, maxMsatPerDay: null, apis: null });
    await ledger.revokeChild({ parentId: parent.id, childId: revokedId });

    const results = await Promise.all([
      reserve(rich[0]!.tokenHash, 5_000n),
      reserve(hashToken(newToken()), 5_000n),
      reserve(poor.tokenHash, 5_000n),
      reserve(onlyAnthropic, 5_000n),
      reserve(capped, 5_000n),
      reserve(revoked, 5_000n),
      reserve(rich[1]!.tokenHash, 5_000n),
    ]);
    expect(results[0]).toMatchObject({ ok: true, balanceMsat: 45_000n });
    expect(results[1]).toEqual({ ok: false, reason: 'unknown_account' });
    expect(results[2]).toEqual({ ok: false, reason: 'insufficient', balanceMsat: 2_000n });
    expect(results[3]).toEqual({ ok: false, reason: 'forbidden_api' });
    expect(results[4]).toEqual({ ok: false, reason: 'daily_cap', leftTodayMsat: 4_000n, balanceMsat: 50_000n });
    expect(results[5]).toEqual({ ok: false, reason: 'unknown_account' });
    expect(results[6]).toMatchObject({ ok: true, balanceMsat: 45_000n });
    expect(await getBalance(db, poor.id)).toBe(2_000n);
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a daily cap counts what a batch reserves on the day it is made', async () => {
    const parent = await funded(db, ledger, 500_000n);
    const capped = hashToken(newToken());
    const id = await ledger.createChild({ parentId: parent.id, tokenHash: capped, amountMsat: 100_000n, expiresAt: null, maxMsatPerDay: 12_000n, apis: null });
    const others = await Promise.all(Array.from({ length: 5 }, () => funded(db, ledger, 50_000n)));
    const results = await Promise.all([...Array.from({ length: 4 }, () => reserve(capped, 5_000n)), ...others.map((o) => reserve(o.tokenHash, 1_000n))]);
    expect(results.slice(0, 4).filter((r) => r.ok)).toHaveLength(2);
    expect(results.slice(4).every((r) => r.ok)).toBe(true);
    const row = await db.query<{ spent_today_msat: bigint }>(`SELECT spent_today_msat FROM accounts WHERE id = $1`, [id]);
    expect(row.rows[0]!.spent_today_msat).toBe(10_000n);
    expect(await getBalance(db, id)).toBe(90_000n);
  });

  it('funded credentials reserve together; one never funded is unknown; the holds settle and release as any other', async () => {
    const hashes = Array.from({ length: 6 }, () => randomBytes(32).toString('hex'));
    for (const h of hashes.slice(0, 5)) expect(await ledger.fundCredential({ paymentHash: h, endpoint: 'POST /api/v1/openai/v1/chat/completions', valueMsat: 20_000n, now: NOW })).toMatchObject({ balanceMsat: 20_000n, holdId: null });
    const before = counted.statements;
    const results = await Promise.all(hashes.map((paymentHash) => batcher.byCredential({ paymentHash, amountMsat: 15_000n, purpose: 'test', expiresAt: 2e9 })));
    expect(counted.statements - before).toBe(1); // the unknown one too: its first use will fund it
    for (const r of results.slice(0, 5)) expect(r).toMatchObject({ ok: true, balanceMsat: 5_000n });
    expect(results[5]).toEqual({ ok: false, reason: 'unknown_account' });
    expect(await ledger.settle(held(results[0]!), 15_000n)).toBe(true);
    expect(await ledger.release(held(results[1]!))).toBe(20_000n);
    const again = await Promise.all([hashes[0]!, hashes[1]!].map((paymentHash) => batcher.byCredential({ paymentHash, amountMsat: 15_000n, purpose: 'test', expiresAt: 2e9 })));
    expect(again[0]).toEqual({ ok: false, reason: 'insufficient', balanceMsat: 5_000n });
    expect(again[1]).toMatchObject({ ok: true, balanceMsat: 5_000n });
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('the ledger batches by default: a burst of paid calls on one token never takes it below zero', async () => {
    const batched = await createLedger(db, { now: () => NOW });
    const a = await funded(db, batched, 64_000n);
    const results = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const r = await batched.reserve({ tokenHash: a.tokenHash, amountMsat: 3_000n, purpose: 'test', expiresAt: 2e9, api: 'openai' });
        if (r.ok) expect(await batched.settle(r.holdId, 3_000n)).toBe(true);
        return r.ok;
      }),
    );
    expect(results.filter(Boolean)).toHaveLength(21);
    expect(await batched.balanceOf(a.id)).toBe(1_000n);
    expect((await batched.audit()).problems).toEqual([]);
  });
});
