// Group commit of credentials' first uses, on PGlite and PostgreSQL: many credentials funded at
// once each get their own account and deposit exactly once; a hash a single-use credential holds
// funds nothing and leaves no account behind.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/index.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { claimCredential, createLedger, type Ledger } from './index.js';
import { createFundBatcher, type FundRequest } from './fund-batch.js';

const NOW = 1_800_000_000;
const ENDPOINT = 'POST /api/v1/openai/v1/chat/completions';

describe.each(STORE_KINDS)('batched first uses of credentials on %s', (kind) => {
  let store: TestStore;
  let db: Db;
  let ledger: Ledger;
  let fund: (req: FundRequest) => Promise<boolean>;
  let statements = 0;
  beforeAll(async () => {
    store = await openTestStore(kind);
    db = store.db;
    ledger = await createLedger(db, { now: () => NOW, reserveBatch: false });
    const counted: Db = { ...db, tx: (fn) => db.tx((q) => fn({ query: (sql, params) => (statements++, q.query(sql, params)), exec: (sql) => q.exec(sql) })) };
    fund = createFundBatcher(counted, ledger.sys, { max: 16 });
  });
  afterAll(() => store.close());
  const hashes = (n: number) => Array.from({ length: n }, () => randomBytes(32).toString('hex'));
  const accounts = async () => (await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM accounts`)).rows[0]!.n;

  it('many first uses at once share statements; each credential is funded once with its value, and pays from its own account', async () => {
    const fresh = hashes(20);
    const before = statements;
    const results = await Promise.all(fresh.map((paymentHash, i) => fund({ paymentHash, endpoint: ENDPOINT, valueMsat: 10_000n + BigInt(i), now: NOW })));
    expect(results).toEqual(fresh.map(() => true));
    expect(statements - before).toBeLessThanOrEqual(3); // 16 + 4, one statement a batch
    const again = await Promise.all(fresh.slice(0, 5).map((paymentHash) => fund({ paymentHash, endpoint: ENDPOINT, valueMsat: 99_999n, now: NOW })));
    expect(again).toEqual([true, true, true, true, true]);
    for (const [i, paymentHash] of fresh.entries()) {
      const id = await ledger.credentialAccount(paymentHash);
      expect(id).not.toBeNull();
      expect(await ledger.balanceOf(id!)).toBe(10_000n + BigInt(i));
    }
    const deposits = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal WHERE kind = 'l402_deposit' AND ref = ANY ($1::text[])`, [fresh]);
    expect(deposits.rows[0]!.n).toBe(20n);
    const r = await ledger.reserveFromCredential({ paymentHash: fresh[3]!, amountMsat: 10_003n, purpose: 'test', expiresAt: 2e9 });
    expect(r).toMatchObject({ ok: true, balanceMsat: 0n });
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('a hash a single-use credential holds is refused in the batch and leaves no account; the others are funded', async () => {
    const [taken, ...fresh] = hashes(4);
    expect(await db.tx((q) => claimCredential(q, { paymentHash: taken!, endpoint: 'POST /api/v1/hire/tasks', priceMsat: 1_000n, now: NOW }))).toBe('claimed');
    const count = await accounts();
    const results = await Promise.all([taken!, ...fresh].map((paymentHash) => fund({ paymentHash, endpoint: ENDPOINT, valueMsat: 5_000n, now: NOW })));
    expect(results).toEqual([false, true, true, true]);
    expect(await accounts()).toBe(count + 3n);
    expect(await ledger.credentialAccount(taken!)).toBeNull();
    expect((await ledger.audit()).problems).toEqual([]);
  });

  it('the ledger funds through the batch by default, racing first uses of one credential fund it once', async () => {
    const batched = await createLedger(db, { now: () => NOW });
    const [h] = hashes(1);
    const results = await Promise.all(Array.from({ length: 5 }, () => batched.fundL402({ paymentHash: h!, endpoint: ENDPOINT, valueMsat: 7_000n, now: NOW })));
    expect(results).toEqual([true, true, true, true, true]);
    expect(await batched.balanceOf((await batched.credentialAccount(h!))!)).toBe(7_000n);
    const deposits = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal WHERE kind = 'l402_deposit' AND ref = $1`, [h]);
    expect(deposits.rows[0]!.n).toBe(1n);
    expect((await batched.audit()).problems).toEqual([]);
  });
});
