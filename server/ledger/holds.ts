// Two-phase charges: reserve → settle | release. Each step is ONE statement (an atomic
// compare-and-set on the hold's state), so the paid hot path costs one round trip before
// forwarding and one after. The journal is compact: a reservation only debits the balance column
// and inserts its hold (the audit counts an account's open holds from `holds`); the journal row is
// written once, when the hold resolves — a settlement's entries take the charge to revenue, the
// change never leaves the account.
import { pgErrorCode, type Queryable } from '../store/index.js';
import { spendDayOf } from './accounts.js';

export type ReserveResult =
  /** lowBalanceMsat: the token's low-balance threshold, if it set one */
  | { ok: true; holdId: bigint; accountId: bigint; balanceMsat: bigint; lowBalanceMsat?: bigint | null }
  | { ok: false; reason: 'unknown_account' }
  | { ok: false; reason: 'insufficient'; balanceMsat: bigint }
  /** a child token limited to other APIs */
  | { ok: false; reason: 'forbidden_api' }
  /** a child token past its daily cap: what it may still spend today */
  | { ok: false; reason: 'daily_cap'; leftTodayMsat: bigint; balanceMsat: bigint };

export interface HoldRequest {
  amountMsat: bigint;
  purpose: string;
  expiresAt: number;
}

/** What a token's reservation is checked against besides its balance (child tokens' limits). */
export interface SpendContext {
  /** Unix seconds: an expired child token cannot spend */
  now: number;
  /** the API spent on (a child token's `apis`) */
  api: string;
}

/**
 * The terms of a debit, written once for both statements: the single one's parameters, or the
 * columns of the batch's input rows `i` (reserve-batch.ts), with what the batch needs returned.
 */
export interface DebitTerms {
  key: string;
  amount: string;
  at: string;
  day: string;
  api: string;
  /** extra FROM items (the batch's `i`) */
  from: string;
  /** extra RETURNING columns */
  returning: string;
  /** an extra condition that names the rows by an index (a batch: all its keys at once) */
  narrow: string;
}

// A token's debit: its balance, and a child token's limits (not revoked nor expired, the API
// allowed, within the daily cap, which counts this reservation on the day it is made).
export const byToken = (t: DebitTerms): string => `UPDATE accounts SET balance_msat = balance_msat - ${t.amount},
    spend_day = CASE WHEN max_msat_per_day IS NULL THEN spend_day ELSE ${t.day} END,
    spent_today_msat = CASE WHEN max_msat_per_day IS NULL THEN spent_today_msat
      WHEN spend_day = ${t.day} THEN spent_today_msat + ${t.amount} ELSE ${t.amount} END
  ${t.from ? `FROM ${t.from}` : ''}
  WHERE token_hash = ${t.key}${t.narrow} AND kind = 'user' AND balance_msat >= ${t.amount}
    AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${t.at})
    AND (apis IS NULL OR ${t.api} = ANY (apis))
    AND (max_msat_per_day IS NULL OR (CASE WHEN spend_day = ${t.day} THEN spent_today_msat ELSE 0 END) + ${t.amount} <= max_msat_per_day)
  RETURNING id, balance_msat, low_balance_msat, CASE WHEN max_msat_per_day IS NULL THEN NULL ELSE ${t.day} END AS spend_day${t.returning}`;
// A credential's debit: a funded invoice credential's account, or (state 'session') an open MPP session's, through its bearer only.
export const byCredential = (t: DebitTerms, state: CredentialAccountState = 'funded'): string => `UPDATE accounts a SET balance_msat = a.balance_msat - ${t.amount}
  FROM l402_credentials c${t.from ? `, ${t.from}` : ''}
  WHERE c.payment_hash = ${t.key}${t.narrow} AND c.state = '${state}' AND a.id = c.account_id AND a.balance_msat >= ${t.amount}
  RETURNING a.id, a.balance_msat, NULL::bigint AS low_balance_msat, NULL::integer AS spend_day${t.returning}`;

const ONE: DebitTerms = { key: '$1', amount: '$2::bigint', at: '$5::bigint', day: '$6::integer', api: '$7::text', from: '', returning: '', narrow: '' };

const reserveSql = (debit: string) => `
WITH debit AS (
  ${debit}
), h AS (
  INSERT INTO holds (account_id, amount_msat, purpose, expires_at, spend_day)
  SELECT id, $2::bigint, $3, $4::bigint, spend_day FROM debit RETURNING id
)
SELECT h.id AS hold_id, debit.id AS account_id, debit.balance_msat, debit.low_balance_msat FROM debit, h`;
const RESERVE_SQL = reserveSql(byToken(ONE));
const RESERVE_CREDENTIAL_SQL = reserveSql(byCredential(ONE));
const RESERVE_SESSION_SQL = reserveSql(byCredential(ONE, 'session'));

/** Whose money a credential row names: an invoice credential's own ('funded'), or an MPP session's deposit ('session'). */
export type CredentialAccountState = 'funded' | 'session';

type HoldRow = { hold_id: bigint; account_id: bigint; balance_msat: bigint; low_balance_msat: bigint | null; amount_msat: bigint };

/**
 * Runs one of the statements below. Each is atomic, so one the database aborted to break a
 * deadlock or a serialisation conflict (it rolled back whole) is simply run again.
 */
export async function oneStatement<R = HoldRow>(q: Queryable, sql: string, params: unknown[]): Promise<{ rows: R[] }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await q.query<R>(sql, params);
    } catch (err) {
      if (attempt >= 3 || !TRANSIENT.has(pgErrorCode(err) ?? '')) throw err;
    }
  }
}

const TRANSIENT = new Set(['40P01', '40001']);

/**
 * A refusal read after the fact can disagree with the statement that refused: the statement's
 * snapshot predates a concurrent commit (a credential funded, a refill credited) that the follow-up
 * read sees. When the read shows enough, the reservation is tried again instead of refused.
 */
async function retryingStale(attempt: () => Promise<ReserveResult>, amountMsat: bigint): Promise<ReserveResult> {
  for (let tries = 1; ; tries++) {
    const r = await attempt();
    const stale = !r.ok && r.reason === 'insufficient' && r.balanceMsat >= amountMsat;
    if (!stale || tries >= 3) return r;
  }
}

/** Debits amountMsat from the token's account into the holds account, if the balance and its limits allow. */
export function reserveByTokenHash(q: Queryable, p: HoldRequest & SpendContext & { tokenHash: Buffer }): Promise<ReserveResult> {
  return retryingStale(() => reserveByTokenHashOnce(q, p), p.amountMsat);
}

async function reserveByTokenHashOnce(q: Queryable, p: HoldRequest & SpendContext & { tokenHash: Buffer }): Promise<ReserveResult> {
  const day = spendDayOf(p.now);
  const res = await oneStatement(q, RESERVE_SQL, [
    p.tokenHash,
    p.amountMsat,
    p.purpose,
    p.expiresAt,
    p.now,
    day,
    p.api,
  ]);
  const row = res.rows[0];
  if (row) return { ok: true, holdId: row.hold_id, accountId: row.account_id, balanceMsat: row.balance_msat, lowBalanceMsat: row.low_balance_msat };
  // why not: read once, after the fact (the refusal path only)
  const acct = await q.query<{ balance_msat: bigint; revoked_at: bigint | null; expires_at: bigint | null; apis: string[] | null; max_msat_per_day: bigint | null; spend_day: number | null; spent_today_msat: bigint }>(
    `SELECT balance_msat, revoked_at, expires_at, apis, max_msat_per_day, spend_day, spent_today_msat FROM accounts WHERE token_hash = $1 AND kind = 'user'`,
    [p.tokenHash],
  );
  const a = acct.rows[0];
  if (!a || a.revoked_at !== null || (a.expires_at !== null && Number(a.expires_at) <= p.now)) return { ok: false, reason: 'unknown_account' };
  if (a.apis !== null && !a.apis.includes(p.api)) return { ok: false, reason: 'forbidden_api' };
  if (a.max_msat_per_day !== null) {
    const left = a.max_msat_per_day - (a.spend_day === day ? a.spent_today_msat : 0n);
    if (left < p.amountMsat && a.balance_msat >= p.amountMsat) return { ok: false, reason: 'daily_cap', leftTodayMsat: left > 0n ? left : 0n, balanceMsat: a.balance_msat };
  }
  return { ok: false, reason: 'insufficient', balanceMsat: a.balance_msat };
}

/** The same from a funded L402 credential's account; unknown_account when it was never funded. */
export function reserveByCredential(q: Queryable, p: HoldRequest & { paymentHash: string }): Promise<ReserveResult> {
  return retryingStale(() => reserveByCredentialOnce(q, p, 'funded'), p.amountMsat);
}

/** The same from an MPP session's account (its deposit's payment hash, the session id); unknown_account when no session was opened with it. */
export function reserveBySession(q: Queryable, p: HoldRequest & { paymentHash: string }): Promise<ReserveResult> {
  return retryingStale(() => reserveByCredentialOnce(q, p, 'session'), p.amountMsat);
}

async function reserveByCredentialOnce(q: Queryable, p: HoldRequest & { paymentHash: string }, state: CredentialAccountState): Promise<ReserveResult> {
  const res = await oneStatement(q, state === 'funded' ? RESERVE_CREDENTIAL_SQL : RESERVE_SESSION_SQL, [
    p.paymentHash,
    p.amountMsat,
    p.purpose,
    p.expiresAt,
  ]);
  const row = res.rows[0];
  if (row) return { ok: true, holdId: row.hold_id, accountId: row.account_id, balanceMsat: row.balance_msat };
  const acct = await q.query<{ balance_msat: bigint }>(
    `SELECT a.balance_msat FROM l402_credentials c JOIN accounts a ON a.id = c.account_id WHERE c.payment_hash = $1 AND c.state = $2`,
    [p.paymentHash, state],
  );
  const found = acct.rows[0];
  return found ? { ok: false, reason: 'insufficient', balanceMsat: found.balance_msat } : { ok: false, reason: 'unknown_account' };
}

// Where a hold's unspent part goes back: its account, or the parent of a child token revoked
// meanwhile (revocation moved the child's balance to the parent; this follows it).
const BACK_TO = `SELECT s.id, s.account_id, s.amount_msat, s.spend_day,
    CASE WHEN a.revoked_at IS NOT NULL AND a.parent_id IS NOT NULL THEN a.parent_id ELSE s.account_id END AS to_id
  FROM s JOIN accounts a ON a.id = s.account_id`;

/** A daily cap counted the whole reservation on its day: what goes back is no longer spent that day. */
const UNSPEND = (back: string) =>
  `spent_today_msat = CASE WHEN a.id = t.account_id AND a.spend_day = t.spend_day THEN greatest(a.spent_today_msat - (${back}), 0) ELSE a.spent_today_msat END`;

// The journal row of a settled hold: the charge from the account to `to`. When the account was a
// child token revoked meanwhile, the change goes to its parent, so it leaves the account too.
// The held row is deleted, not marked settled: its journal row (ref) and receipt (hold_id) keep
// what it was, and an update would write the row and its indexes again (a third of these
// statements' CPU in a probe), the table growing with every call ever made.
const SETTLE_SQL = `
WITH s AS (
  DELETE FROM holds
  WHERE id = $1 AND state = 'held' AND amount_msat >= $2::bigint
  RETURNING id, account_id, amount_msat, spend_day
), t AS (${BACK_TO}), back AS (
  UPDATE accounts a SET balance_msat = a.balance_msat + (t.amount_msat - $2::bigint), ${UNSPEND('t.amount_msat - $2::bigint')}
  FROM t WHERE a.id = t.to_id AND t.amount_msat > $2::bigint
  RETURNING a.balance_msat
), j AS (
  INSERT INTO journal (kind, ref, memo) SELECT 'charge', s.id::text, $4 FROM s RETURNING id
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j, t,
    LATERAL (VALUES (t.account_id, -(CASE WHEN t.to_id = t.account_id THEN $2::bigint ELSE t.amount_msat END)), ($3::bigint, $2::bigint),
      (t.to_id, CASE WHEN t.to_id = t.account_id THEN 0 ELSE t.amount_msat - $2::bigint END)) AS v(account_id, amount)
  WHERE v.amount <> 0
), c AS (
  INSERT INTO paid_calls (request_id, account_id, hold_id, api, endpoint, model, max_charge_msat, charged_msat, usage, created_at)
  SELECT $5, s.account_id, s.id, $6, $7, $8, coalesce($11::bigint, s.amount_msat), $2::bigint, $9::jsonb, $10::bigint FROM s WHERE $5::text IS NOT NULL
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
  /** the most the call could cost, when less than its hold (a hold reserved ahead); default the hold */
  maxChargeMsat?: bigint;
}

/**
 * Settles a held charge: chargeMsat (≤ the hold) goes to `to`, the rest back to the user.
 * Returns false when the hold was no longer held (already settled, released or swept).
 */
export async function settleHold(
  q: Queryable,
  p: { holdId: bigint; chargeMsat: bigint; to: bigint; memo?: string; call?: CallRecord },
): Promise<boolean> {
  const c = p.call;
  const res = await oneStatement(q, SETTLE_SQL, [
    p.holdId,
    p.chargeMsat,
    p.to,
    p.memo ?? null,
    c?.requestId ?? null,
    c?.api ?? null,
    c?.endpoint ?? null,
    c?.model ?? null,
    c?.usage ? JSON.stringify(c.usage) : null,
    c?.createdAt ?? null,
    c?.maxChargeMsat ?? null,
  ]);
  return res.rows.length === 1;
}

// A released hold's journal row has no entries (nothing left the account), unless the change goes
// to the parent of a child token revoked meanwhile.
const RELEASE_SQL = `
WITH s AS (
  UPDATE holds SET state = 'released', resolved_at = now()
  WHERE id = $1 AND state = 'held'
  RETURNING id, account_id, amount_msat, spend_day
), t AS (${BACK_TO}), c AS (
  UPDATE accounts a SET balance_msat = a.balance_msat + t.amount_msat, ${UNSPEND('t.amount_msat')}
  FROM t WHERE a.id = t.to_id
  RETURNING a.balance_msat
), j AS (
  INSERT INTO journal (kind, ref, memo) SELECT 'unreserve', s.id::text, $2 FROM s RETURNING id
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j, t,
    LATERAL (VALUES (t.account_id, -t.amount_msat), (t.to_id, t.amount_msat)) AS v(account_id, amount)
  WHERE t.to_id <> t.account_id
)
SELECT c.balance_msat FROM c`;

/** Returns the held amount to the user. Returns the new balance, or null if no longer held. */
export async function releaseHold(q: Queryable, p: { holdId: bigint; memo?: string }): Promise<bigint | null> {
  const res = await oneStatement(q, RELEASE_SQL, [p.holdId, p.memo ?? null]);
  return res.rows[0]?.balance_msat ?? null;
}

/** Pushes a live hold's deadline (long streams), so the sweep never releases it while alive. */
/** What an account's holds keep from its balance: its calls still running (and, reserving ahead, the holds an instance keeps for them). */
export async function heldMsatOf(q: Queryable, accountId: bigint): Promise<bigint> {
  const res = await q.query<{ s: bigint }>(`SELECT coalesce(sum(amount_msat), 0)::bigint AS s FROM holds WHERE account_id = $1 AND state = 'held'`, [accountId]);
  return res.rows[0]?.s ?? 0n;
}

export async function renewHold(q: Queryable, p: { holdId: bigint; expiresAt: number }): Promise<boolean> {
  const res = await q.query(`UPDATE holds SET expires_at = $2 WHERE id = $1 AND state = 'held' RETURNING id`, [p.holdId, p.expiresAt]);
  return res.rows.length === 1;
}

/** Releases holds past their deadline (left by a crash); safe on many instances at once. */
export async function sweepExpiredHolds(q: Queryable, now: number, limit = 500): Promise<number> {
  const due = await q.query<{ id: bigint }>(`SELECT id FROM holds WHERE state = 'held' AND expires_at < $1 ORDER BY id LIMIT $2`, [now, limit]);
  let released = 0;
  for (const { id } of due.rows) {
    if ((await releaseHold(q, { holdId: id, memo: 'expired' })) !== null) released++;
  }
  return released;
}
