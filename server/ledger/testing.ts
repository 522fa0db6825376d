// Test helpers for the ledger's own tests.
import pg from 'pg';
import type { Db, Queryable } from '../store/index.js';
import { openTestStore, type TestStore } from '../store/testing.js';
import { createLedger, createUserAccount, hashToken, newToken, postJournal, type Ledger } from './index.js';

/** A new token's account, funded with `msat` by one deposit from the lightning account. */
export async function fundedAccount(db: Db, ledger: Ledger, msat: bigint, opts: { ref?: (token: string) => string } = {}) {
  const token = newToken();
  const tokenHash = hashToken(token);
  const acct = await db.tx(async (q) => {
    const a = await createUserAccount(q, tokenHash);
    await postJournal(q, { kind: 'deposit', ...(opts.ref ? { ref: opts.ref(token) } : {}), lines: [{ accountId: ledger.sys.lightning, amountMsat: -msat }, { accountId: a.id, amountMsat: msat }] });
    return a;
  });
  return { token, tokenHash, id: acct.id };
}

/** A Queryable that counts the statements sent through it (batched statements in tests). */
export function countingQueryable(q: Queryable): Queryable & { statements: number } {
  const c = {
    statements: 0,
    query: ((sql, params) => {
      c.statements++;
      return q.query(sql, params);
    }) as Queryable['query'],
    exec: (sql: string) => q.exec(sql),
  };
  return c;
}

/** A PostgreSQL test store with its ledger, and a second connection that can hold settlements back. */
export interface SettlementBlocker {
  store: TestStore;
  ledger: Ledger;
  /** a SHARE lock on paid_calls: reads pass, a settlement's insert waits until letGo */
  holdBack(): Promise<void>;
  letGo(): Promise<void>;
  close(): Promise<void>;
}

export async function openSettlementBlocker(): Promise<SettlementBlocker> {
  const store = await openTestStore('postgres');
  const ledger = await createLedger(store.db);
  const blocker = new pg.Client({ connectionString: store.url! });
  await blocker.connect();
  return {
    store,
    ledger,
    async holdBack() {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE paid_calls IN SHARE MODE');
    },
    async letGo() {
      await blocker.query('COMMIT');
    },
    async close() {
      await blocker.end();
      await store.close();
    },
  };
}
