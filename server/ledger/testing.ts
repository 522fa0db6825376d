// Test helpers for the ledger's own tests.
import type { Db, Queryable } from '../store/index.js';
import { createUserAccount, hashToken, newToken, postJournal, type Ledger } from './index.js';

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
