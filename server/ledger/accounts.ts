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
  /** the token's low-balance alert (PUT /api/v1/balance/alert); absent: none set */
  lowBalanceMsat?: bigint;
  /** set on a child token's account: the parent that made it, and what it may spend on */
  child?: ChildLimits;
}

export interface ChildLimits {
  parentId: bigint;
  /** the APIs it may spend on (catalog names, `ai-for-hire`); null: all */
  apis: string[] | null;
  expiresAt: number | null;
  maxMsatPerDay: bigint | null;
}

/** Days since 1970 (UTC): the day a daily cap counts in. */
export const spendDayOf = (unixSeconds: number): number => Math.floor(unixSeconds / 86_400);

export async function createUserAccount(q: Queryable, tokenHash: Buffer): Promise<UserAccount> {
  const res = await q.query<{ id: bigint }>(`INSERT INTO accounts (kind, token_hash) VALUES ('user', $1) RETURNING id`, [tokenHash]);
  return { id: res.rows[0]!.id, balanceMsat: 0n };
}

/** A top-level user account opened by another token from now on (its balance, history and child tokens stay); the old token opens nothing. False if it is not one. */
export async function rekeyAccount(q: Queryable, accountId: bigint, tokenHash: Buffer): Promise<boolean> {
  const res = await q.query(`UPDATE accounts SET token_hash = $2 WHERE id = $1 AND kind = 'user' AND parent_id IS NULL`, [accountId, tokenHash]);
  return res.rowCount === 1;
}

/** The account of a token that can be used at `now`: a revoked child token has none, nor an expired one (when `now` is given). */
export async function findAccountByTokenHash(q: Queryable, tokenHash: Buffer, now?: number): Promise<UserAccount | null> {
  const res = await q.query<{ id: bigint; balance_msat: bigint; low_balance_msat: bigint | null; parent_id: bigint | null; apis: string[] | null; expires_at: bigint | null; max_msat_per_day: bigint | null }>(
    `SELECT id, balance_msat, low_balance_msat, parent_id, apis, expires_at, max_msat_per_day FROM accounts
     WHERE token_hash = $1 AND kind = 'user' AND revoked_at IS NULL AND ($2::bigint IS NULL OR expires_at IS NULL OR expires_at > $2::bigint)`,
    [tokenHash, now ?? null],
  );
  const row = res.rows[0];
  if (!row) return null;
  const account: UserAccount = { id: row.id, balanceMsat: row.balance_msat };
  if (row.low_balance_msat !== null) account.lowBalanceMsat = row.low_balance_msat;
  if (row.parent_id !== null) {
    account.child = { parentId: row.parent_id, apis: row.apis, expiresAt: row.expires_at === null ? null : Number(row.expires_at), maxMsatPerDay: row.max_msat_per_day };
  }
  return account;
}

/** Why a token finds no usable account: a child token revoked or past its end, or none at all. */
export type TokenRefusal = 'unknown' | 'revoked' | 'expired';

export async function tokenRefusalOf(q: Queryable, tokenHash: Buffer): Promise<TokenRefusal> {
  const res = await q.query<{ revoked: boolean }>(`SELECT revoked_at IS NOT NULL AS revoked FROM accounts WHERE token_hash = $1 AND kind = 'user'`, [tokenHash]);
  const row = res.rows[0];
  return !row ? 'unknown' : row.revoked ? 'revoked' : 'expired';
}

/** Of these accounts, those whose token can be used at `now`: not a child token revoked or expired. */
export async function usableAccountIds(q: Queryable, accountIds: readonly bigint[], now: number): Promise<Set<bigint>> {
  if (accountIds.length === 0) return new Set();
  const res = await q.query<{ id: bigint }>(
    `SELECT id FROM accounts WHERE id = ANY($1::bigint[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2::bigint)`,
    [accountIds.map(String), now],
  );
  return new Set(res.rows.map((r) => BigInt(r.id)));
}

export async function getBalance(q: Queryable, accountId: bigint): Promise<bigint> {
  const res = await q.query<{ balance_msat: bigint }>(`SELECT balance_msat FROM accounts WHERE id = $1`, [accountId]);
  const row = res.rows[0];
  if (!row) throw new Error(`account ${accountId} does not exist`);
  return row.balance_msat;
}

/** Sets (or clears, with null) a token's low-balance threshold. */
export async function setLowBalance(q: Queryable, accountId: bigint, thresholdMsat: bigint | null): Promise<void> {
  await q.query(`UPDATE accounts SET low_balance_msat = $2 WHERE id = $1 AND kind = 'user'`, [accountId, thresholdMsat]);
}
