// Two-phase charges: reserve → settle | release. Each step is ONE statement (an atomic
// compare-and-set on the hold's state plus its journal lines), so the paid hot path costs
// one round trip before forwarding and one after.
import type { Queryable } from '../store/index.js';
import type { SystemAccountIds } from './accounts.js';

export type ReserveResult =
  | { ok: true; holdId: bigint; accountId: bigint; balanceMsat: bigint }
  | { ok: false; reason: 'unknown_account' }
  | { ok: false; reason: 'insufficient'; balanceMsat: bigint };

export interface HoldRequest {
  amountMsat: bigint;
  purpose: string;
  expiresAt: number;
}

// The debit CTE picks the paying account: a token's (by its hash) or a funded L402 credential's.
const BY_TOKEN = `UPDATE accounts SET balance_msat = balance_msat - $2::bigint
  WHERE token_hash = $1 AND kind = 'user' AND balance_msat >= $2::bigint
  RETURNING id, balance_msat`;
const BY_CREDENTIAL = `UPDATE accounts a SET balance_msat = a.balance_msat - $2::bigint
  FROM l402_credentials c WHERE c.payment_hash = $1 AND c.state = 'funded' AND a.id = c.account_id AND a.balance_msat >= $2::bigint
  RETURNING a.id, a.balance_msat`;

const reserveSql = (debit: string) => `
WITH debit AS (
  ${debit}
), h AS (
  INSERT INTO holds (account_id, amount_msat, purpose, expires_at)
  SELECT id, $2::bigint, $3, $4::bigint FROM debit RETURNING id, account_id
), j AS (
  INSERT INTO journal (kind, ref) SELECT 'reserve', h.id::text FROM h RETURNING id
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j, h,
    LATERAL (VALUES (h.account_id, -$2::bigint), ($5::bigint, $2::bigint)) AS v(account_id, amount)
)
SELECT h.id AS hold_id, debit.id AS account_id, debit.balance_msat FROM debit, h`;
const RESERVE_SQL = reserveSql(BY_TOKEN);
const RESERVE_CREDENTIAL_SQL = reserveSql(BY_CREDENTIAL);

/** Debits amountMsat from the token's account into the holds account, if the balance covers it. */
export async function reserveByTokenHash(
  q: Queryable,
  sys: SystemAccountIds,
  p: HoldRequest & { tokenHash: Buffer },
): Promise<ReserveResult> {
  const res = await q.query<{ hold_id: bigint; account_id: bigint; balance_msat: bigint }>(RESERVE_SQL, [
    p.tokenHash,
    p.amountMsat,
    p.purpose,
    p.expiresAt,
    sys.holds,
  ]);
  const row = res.rows[0];
  if (row) return { ok: true, holdId: row.hold_id, accountId: row.account_id, balanceMsat: row.balance_msat };
  const acct = await q.query<{ balance_msat: bigint }>(`SELECT balance_msat FROM accounts WHERE token_hash = $1 AND kind = 'user'`, [
    p.tokenHash,
  ]);
  const found = acct.rows[0];
  return found ? { ok: false, reason: 'insufficient', balanceMsat: found.balance_msat } : { ok: false, reason: 'unknown_account' };
}

/** The same from a funded L402 credential's account; unknown_account when it was never funded. */
export async function reserveByCredential(q: Queryable, sys: SystemAccountIds, p: HoldRequest & { paymentHash: string }): Promise<ReserveResult> {
  const res = await q.query<{ hold_id: bigint; account_id: bigint; balance_msat: bigint }>(RESERVE_CREDENTIAL_SQL, [
    p.paymentHash,
    p.amountMsat,
    p.purpose,
    p.expiresAt,
    sys.holds,
  ]);
  const row = res.rows[0];
  if (row) return { ok: true, holdId: row.hold_id, accountId: row.account_id, balanceMsat: row.balance_msat };
  const acct = await q.query<{ balance_msat: bigint }>(
    `SELECT a.balance_msat FROM l402_credentials c JOIN accounts a ON a.id = c.account_id WHERE c.payment_hash = $1 AND c.state = 'funded'`,
    [p.paymentHash],
  );
  const found = acct.rows[0];
  return found ? { ok: false, reason: 'insufficient', balanceMsat: found.balance_msat } : { ok: false, reason: 'unknown_account' };
}

const SETTLE_SQL = `
WITH s AS (
  UPDATE holds SET state = 'settled', resolved_at = now()
  WHERE id = $1 AND state = 'held' AND amount_msat >= $2::bigint
  RETURNING id, account_id, amount_msat
), back AS (
  UPDATE accounts a SET balance_msat = a.balance_msat + (s.amount_msat - $2::bigint)
  FROM s WHERE a.id = s.account_id AND s.amount_msat > $2::bigint
  RETURNING a.balance_msat
), j AS (
  INSERT INTO journal (kind, ref, memo) SELECT 'settle', s.id::text, $5 FROM s RETURNING id
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j, s,
    LATERAL (VALUES ($3::bigint, -s.amount_msat), ($4::bigint, $2::bigint), (s.account_id, s.amount_msat - $2::bigint)) AS v(account_id, amount)
  WHERE v.amount <> 0
), c AS (
  INSERT INTO paid_calls (request_id, account_id, hold_id, api, endpoint, model, max_charge_msat, charged_msat, usage, created_at)
  SELECT $6, s.account_id, s.id, $7, $8, $9, s.amount_msat, $2::bigint, $10::jsonb, $11::bigint FROM s WHERE $6::text IS NOT NULL
)
SELECT s.amount_msat FROM s`;

/** What a settled paid call leaves for its receipt at GET /api/v1/usage/{request_id}. */
export interface CallRecord {
  requestId: string;
  api: string;
  endpoint: string;
  model: string | null;
  /** the token counts the charge was computed from (metered calls) */
  usage: Record<string, number> | null;
  createdAt: number;
}

/**
 * Settles a held charge: chargeMsat (≤ the hold) goes to `to`, the rest back to the user.
 * Returns false when the hold was no longer held (already settled, released or swept).
 */
export async function settleHold(
  q: Queryable,
  sys: SystemAccountIds,
  p: { holdId: bigint; chargeMsat: bigint; to: bigint; memo?: string; call?: CallRecord },
): Promise<boolean> {
  const c = p.call;
  const res = await q.query(SETTLE_SQL, [
    p.holdId,
    p.chargeMsat,
    sys.holds,
    p.to,
    p.memo ?? null,
    c?.requestId ?? null,
    c?.api ?? null,
    c?.endpoint ?? null,
    c?.model ?? null,
    c?.usage ? JSON.stringify(c.usage) : null,
    c?.createdAt ?? null,
  ]);
  return res.rows.length === 1;
}

const RELEASE_SQL = `
WITH r AS (
  UPDATE holds SET state = 'released', resolved_at = now()
  WHERE id = $1 AND state = 'held'
  RETURNING id, account_id, amount_msat
), c AS (
  UPDATE accounts a SET balance_msat = a.balance_msat + r.amount_msat FROM r WHERE a.id = r.account_id
  RETURNING a.balance_msat
), j AS (
  INSERT INTO journal (kind, ref, memo) SELECT 'release', r.id::text, $3 FROM r RETURNING id
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j, r,
    LATERAL (VALUES ($2::bigint, -r.amount_msat), (r.account_id, r.amount_msat)) AS v(account_id, amount)
)
SELECT c.balance_msat FROM c`;

/** Returns the held amount to the user. Returns the new balance, or null if no longer held. */
export async function releaseHold(q: Queryable, sys: SystemAccountIds, p: { holdId: bigint; memo?: string }): Promise<bigint | null> {
  const res = await q.query<{ balance_msat: bigint }>(RELEASE_SQL, [p.holdId, sys.holds, p.memo ?? null]);
  return res.rows[0]?.balance_msat ?? null;
}

/** Pushes a live hold's deadline (long streams), so the sweep never releases it while alive. */
export async function renewHold(q: Queryable, p: { holdId: bigint; expiresAt: number }): Promise<boolean> {
  const res = await q.query(`UPDATE holds SET expires_at = $2 WHERE id = $1 AND state = 'held' RETURNING id`, [p.holdId, p.expiresAt]);
  return res.rows.length === 1;
}

/** Releases holds past their deadline (left by a crash); safe on many instances at once. */
export async function sweepExpiredHolds(q: Queryable, sys: SystemAccountIds, now: number, limit = 500): Promise<number> {
  const due = await q.query<{ id: bigint }>(`SELECT id FROM holds WHERE state = 'held' AND expires_at < $1 ORDER BY id LIMIT $2`, [now, limit]);
  let released = 0;
  for (const { id } of due.rows) {
    if ((await releaseHold(q, sys, { holdId: id, memo: 'expired' })) !== null) released++;
  }
  return released;
}
