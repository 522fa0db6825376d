// Account rows: users (one per token) and the fixed system accounts.
import type { Queryable } from '../store/index.js';

export const SYSTEM_ACCOUNTS = ['lightning', 'holds', 'escrow', 'revenue', 'payouts_pending', 'adjustments'] as const;
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[number];
export type SystemAccountIds = Record<SystemAccount, bigint>;

export async function loadSystemAccountIds(q: Queryable): Promise<SystemAccountIds> {
  const res = await q.query<{ id: bigint; name: SystemAccount }>(`SELECT id, name FROM accounts WHERE kind = 'system'`);
  const ids = Object.fromEntries(res.rows.map((r) => [r.name, r.id])) as Partial<SystemAccountIds>;
  for (const name of SYSTEM_ACCOUNTS) {
    if (ids[name] === undefined) throw new Error(`system account ${name} is missing: run the migrations`);
  }
  return ids as SystemAccountIds;
}

export interface UserAccount {
  id: bigint;
  balanceMsat: bigint;
}

export async function createUserAccount(q: Queryable, tokenHash: Buffer): Promise<UserAccount> {
  const res = await q.query<{ id: bigint }>(`INSERT INTO accounts (kind, token_hash) VALUES ('user', $1) RETURNING id`, [tokenHash]);
  return { id: res.rows[0]!.id, balanceMsat: 0n };
}

export async function findAccountByTokenHash(q: Queryable, tokenHash: Buffer): Promise<UserAccount | null> {
  const res = await q.query<{ id: bigint; balance_msat: bigint }>(
    `SELECT id, balance_msat FROM accounts WHERE token_hash = $1 AND kind = 'user'`,
    [tokenHash],
  );
  const row = res.rows[0];
  return row ? { id: row.id, balanceMsat: row.balance_msat } : null;
}

export async function getBalance(q: Queryable, accountId: bigint): Promise<bigint> {
  const res = await q.query<{ balance_msat: bigint }>(`SELECT balance_msat FROM accounts WHERE id = $1`, [accountId]);
  const row = res.rows[0];
  if (!row) throw new Error(`account ${accountId} does not exist`);
  return row.balance_msat;
}
