// Credentials' first uses, on PGlite and PostgreSQL, one at a time and batched: each credential is
// funded exactly once with its value, its first call's hold taken in the same statement; a hash
// a single-use credential holds funds nothing and leaves no account behind.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/index.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { claimCredential, createLedger, type FundRequest, type Funded, type Ledger } from './index.js';
import { createFundBatcher } from './fund-batch.js';
import { fundCredential } from './l402-credentials.js';

const NOW = 1_800_000_000;
const ENDPOINT = 'POST /api/v1/openai/v1/chat/completions';
const hold = (amountMsat: bigint) => ({ amountMsat, purpose: ENDPOINT, expiresAt: NOW + 900 });

describe.each(STORE_KINDS)('first uses of credentials on %s', (kind) => {
  let store: TestStore;
  let db: Db;
  let ledger: Ledger;
  let statements = 0;
  let counted: Db;
  beforeAll(async () => {
    store = await openTestStore(kind);
    db = store.db;
    ledger = await createLedger(db, { now: () => NOW, reserveBatch: false });
    counted = { ...db, query: (sql, params) => (statements++, db.query(sql, params)) };
  });
  afterAll(() => store.close());
  const hashes = (n: number) => Array.from({ length: n }, () => randomBytes(32).toString('hex'));
  const accounts = async () => (await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM accounts`)).rows[0]!.n;
  const deposits = async (refs: string[]) => (await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal WHERE kind = 'l402_deposit' AND ref = ANY ($1::text[])`, [refs])).rows[0]!.n;

  it.each(['alone', 'batched'] as const)('%s: funded with its first call’s hold in one statement; the hold settles as any other', async (how) => {
    const fund: (req: FundRequest) => Promise<Funded | null> = how === 'alone' ? (req) => fundCredential(counted, ledger.sys, req) : createFundBatcher(counted, ledger.sys, { max: 16 });
    const fresh = hashes(how === 'alone' ? 1 : 20);
    const before = statements;
    const results = await Promise.all(fresh.map((paymentHash, i) => fund({ paymentHash, endpoint: ENDPOINT, valueMsat: 40_000n + BigInt(i), now: NOW, hold: hold(30_000n) })));
    expect(statements - before).toBeLessThanOrEqual(how === 'alone' ? 1 : 3); // 16 + 4, one statement a batch
    for (const [i, r] of results.entries()) {
      expect(r).toMatchObject({ balanceMsat: 10_000n + BigInt(i) });
      expect(r!.holdId).not.toBeNull();
      expect(await ledger.credentialAccount(fresh[i]!)).toBe(r!.accountId);
    }
    expect(await deposits(fresh)).toBe(BigInt(fresh.length));
    expect(await ledger.settle(results[0]!.holdId!, 25_000n)).toBe(true);
    expect(await ledger.balanceOf(results[0]!.accountId)).toBe(15_000n);
    // the next call pays from the account; a second first use funds nothing
    expect(await ledger.reserveFromCredential({ paymentHash: fresh[0]!, ...hold(15_000n) })).toMatchObject({ ok: true, balanceMsat: 0n });
    expect(await fund({ paymentHash: fresh[0]!, endpoint: ENDPOINT, valueMsat: 99_999n, now: NOW, hold: hold(1_000n) })).toBeNull();
    expect(await deposits(fresh)).toBe(BigInt(fresh.length));
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it.each(['alone', 'batched'] as const)('%s: worth less than its first call, funded without a hold; no hold asked, none taken', async (how) => {
    const fund: (req: FundRequest) => Promise<Funded | null> = how === 'alone' ? (req) => fundCredential(db, ledger.sys, req) : createFundBatcher(db, ledger.sys);
    const [small, plain] = hashes(2);
    const [a, b] = await Promise.all([fund({ paymentHash: small!, endpoint: ENDPOINT, valueMsat: 20_000n, now: NOW, hold: hold(30_000n) }), fund({ paymentHash: plain!, endpoint: ENDPOINT, valueMsat: 7_000n, now: NOW })]);
    expect(a).toMatchObject({ balanceMsat: 20_000n, holdId: null });
    expect(b).toMatchObject({ balanceMsat: 7_000n, holdId: null });
    expect(await ledger.reserveFromCredential({ paymentHash: small!, ...hold(30_000n) })).toEqual({ ok: false, reason: 'insufficient', balanceMsat: 20_000n });
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a hash a single-use credential holds is refused in the batch and leaves no account; the others are funded', async () => {
    const fund = createFundBatcher(db, ledger.sys, { max: 16 });
    const [taken, ...fresh] = hashes(4);
    expect(await db.tx((q) => claimCredential(q, { paymentHash: taken!, endpoint: 'POST /api/v1/hire/tasks', priceMsat: 1_000n, now: NOW }))).toBe('claimed');
    const count = await accounts();
    const results = await Promise.all([taken!, ...fresh].map((paymentHash) => fund({ paymentHash, endpoint: ENDPOINT, valueMsat: 5_000n, now: NOW, hold: hold(5_000n) })));
    expect(results[0]).toBeNull();
    expect(results.slice(1).every((r) => r !== null && r.holdId !== null && r.balanceMsat === 0n)).toBe(true);
    expect(await accounts()).toBe(count + 3n);
    expect(await ledger.credentialAccount(taken!)).toBeNull();
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('the ledger funds through the batch by default: racing first uses of one credential fund it once, one of them with its hold', async () => {
    const batched = await createLedger(db, { now: () => NOW });
    const [h] = hashes(1);
    const results = await Promise.all(Array.from({ length: 5 }, () => batched.fundCredential({ paymentHash: h!, endpoint: ENDPOINT, valueMsat: 7_000n, now: NOW, hold: hold(2_000n) })));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await batched.balanceOf((await batched.credentialAccount(h!))!)).toBe(5_000n);
    expect(await deposits([h!])).toBe(1n);
    expect((await batched.audit()).problems).toEqual([]);
  });
});
