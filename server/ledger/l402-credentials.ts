// L402 credentials in the store, keyed by payment hash so a replay fails on every instance.
// Single-use (AI for Hire fees): claimed in_flight, then spent with its price booked as revenue.
// Value-carrying (the proxy): funded once into an account of its own, then paid from like a token.
import { createHash } from 'node:crypto';
import type { Queryable } from '../store/index.js';
import type { SystemAccountIds } from './accounts.js';
import { oneStatement, type HoldRequest } from './holds.js';

/** A claim left in flight this long (a crashed instance) may be taken over. */
export const STALE_IN_FLIGHT_SECONDS = 15 * 60;

export type ClaimOutcome = 'claimed' | 'spent' | 'in_use';

export async function claimCredential(q: Queryable, p: { paymentHash: string; endpoint: string; priceMsat: bigint; now: number }): Promise<ClaimOutcome> {
  const res = await q.query<{ state: string }>(
    `INSERT INTO l402_credentials (payment_hash, state, endpoint, price_msat, updated_at)
     VALUES ($1, 'in_flight', $2, $3, $4)
     ON CONFLICT (payment_hash) DO UPDATE SET updated_at = EXCLUDED.updated_at
       WHERE l402_credentials.state = 'in_flight' AND l402_credentials.updated_at < $5
     RETURNING state`,
    [p.paymentHash, p.endpoint, p.priceMsat, p.now, p.now - STALE_IN_FLIGHT_SECONDS],
  );
  if (res.rows.length === 1) return 'claimed';
  const existing = await q.query<{ state: string }>(`SELECT state FROM l402_credentials WHERE payment_hash = $1`, [p.paymentHash]);
  return existing.rows[0]?.state === 'spent' ? 'spent' : 'in_use';
}

const SPEND_SQL = `
WITH s AS (
  UPDATE l402_credentials SET state = 'spent', updated_at = $2
  WHERE payment_hash = $1 AND state = 'in_flight' RETURNING price_msat
), j AS (
  INSERT INTO journal (kind, ref) SELECT 'l402', $1 FROM s WHERE s.price_msat > 0 RETURNING id
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j, s,
    LATERAL (VALUES ($3::bigint, -s.price_msat), ($4::bigint, s.price_msat)) AS v(account_id, amount)
)
SELECT 1 FROM s`;

/** The upstream served: the credential is spent and its price booked as revenue, in one statement. */
export async function spendCredential(q: Queryable, sys: SystemAccountIds, p: { paymentHash: string; now: number }): Promise<boolean> {
  const res = await q.query(SPEND_SQL, [p.paymentHash, p.now, sys.lightning, sys.revenue]);
  return res.rows.length === 1;
}

/** The upstream failed or refused: the credential stays usable. */
export async function releaseCredential(q: Queryable, paymentHash: string): Promise<void> {
  await q.query(`DELETE FROM l402_credentials WHERE payment_hash = $1 AND state = 'in_flight'`, [paymentHash]);
}

/** A value-carrying credential's first use: its value goes into an account of its own; `hold`, this call's, taken from it at once. */
export interface FundRequest {
  paymentHash: string;
  endpoint: string;
  valueMsat: bigint;
  now: number;
  hold?: HoldRequest;
}

/** Funded now: the credential's account, its balance, and the hold taken (null: none asked, or the value is less than it). */
export interface Funded {
  accountId: bigint;
  balanceMsat: bigint;
  holdId: bigint | null;
}

// The credential, the account it names, the deposit's journal row and the call's hold, in one
// statement: the credential's primary key decides between racing first uses (a loser waits for
// the winner's commit and inserts nothing), so no account is made for a hash already taken. The
// account's id is drawn first for the credential to name; its key is checked at the statement's end.
const FUND_SQL = `
WITH c AS (
  INSERT INTO l402_credentials (payment_hash, state, endpoint, price_msat, updated_at, account_id)
  VALUES ($2, 'funded', $3, $4::bigint, $5::bigint, nextval(pg_get_serial_sequence('accounts', 'id')))
  ON CONFLICT (payment_hash) DO NOTHING RETURNING account_id
), a AS (
  INSERT INTO accounts (id, kind, token_hash, balance_msat) SELECT account_id, 'user', $1, $4::bigint - $7::bigint FROM c RETURNING id, balance_msat
), j AS (
  INSERT INTO journal (kind, ref) SELECT 'l402_deposit', $2 FROM c RETURNING id
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j, c, LATERAL (VALUES ($6::bigint, -$4::bigint), (c.account_id, $4::bigint)) AS v(account_id, amount)
), h AS (
  INSERT INTO holds (account_id, amount_msat, purpose, expires_at) SELECT account_id, $7::bigint, $8, $9::bigint FROM c WHERE $7::bigint > 0 RETURNING id
)
SELECT a.id AS account_id, a.balance_msat, (SELECT id FROM h) AS hold_id FROM a`;

/** The hold a first use takes: none when not asked, or when the credential is worth less than it (the reservation then says so). */
export const heldAtFunding = (p: FundRequest): bigint => (p.hold && p.hold.amountMsat <= p.valueMsat ? p.hold.amountMsat : 0n);

/**
 * First use of a value-carrying credential: its invoice amount moves from `lightning` into an
 * account of its own, once, with the call's hold taken from it. Null when the payment hash was
 * taken before: funded already (pay from it) or a single-use credential (spent or in flight).
 */
export async function fundCredential(q: Queryable, sys: SystemAccountIds, p: FundRequest): Promise<Funded | null> {
  const held = heldAtFunding(p);
  const res = await oneStatement<{ account_id: bigint; balance_msat: bigint; hold_id: bigint | null }>(q, FUND_SQL, [
    credentialAccountHash(p.paymentHash),
    p.paymentHash,
    p.endpoint,
    p.valueMsat,
    p.now,
    sys.lightning,
    held,
    p.hold?.purpose ?? '',
    p.hold?.expiresAt ?? 0,
  ]);
  const row = res.rows[0];
  return row ? { accountId: row.account_id, balanceMsat: row.balance_msat, holdId: row.hold_id } : null;
}

/**
 * Whether the payment hash is a session's deposit: opened already, or funded into an account of its
 * own by an open (`endpoint`, the session endpoint's) that stopped before its session row; not an
 * invoice paid through another door first, nor a top-up credited to a session.
 */
export async function fundedByAnOpen(q: Queryable, paymentHash: string, endpoint: string): Promise<boolean> {
  const res = await q.query(
    `SELECT 1 FROM l402_credentials c JOIN accounts a ON a.id = c.account_id
     WHERE c.payment_hash = $1 AND a.token_hash = $2 AND (c.state = 'session' OR (c.state = 'funded' AND c.endpoint = $3))`,
    [paymentHash, credentialAccountHash(paymentHash), endpoint],
  );
  return res.rows.length === 1;
}

/** A credential's account is keyed like a token's, by a hash no token can have. */
export function credentialAccountHash(paymentHash: string): Buffer {
  return createHash('sha256').update(`l402:${paymentHash}`, 'utf8').digest();
}

/**
 * A funded credential's balance and what its calls still running hold (it comes back to the
 * credential as they end, or as the sweep returns a crashed one's), read in one statement: a
 * settlement moves money from one to the other at once, so two reads could miss it in both.
 */
export async function credentialValueOf(q: Queryable, paymentHash: string): Promise<{ balanceMsat: bigint; heldMsat: bigint } | null> {
  const res = await q.query<{ balance_msat: bigint; held_msat: bigint }>(
    `SELECT a.balance_msat, (SELECT coalesce(sum(h.amount_msat), 0) FROM holds h WHERE h.account_id = a.id AND h.state = 'held')::bigint AS held_msat
     FROM l402_credentials c JOIN accounts a ON a.id = c.account_id
     WHERE c.payment_hash = $1 AND c.state = 'funded'`,
    [paymentHash],
  );
  const row = res.rows[0];
  return row ? { balanceMsat: row.balance_msat, heldMsat: row.held_msat } : null;
}

/** (A session's deposit names its session's account: its receipts are read with it.) */
export async function credentialAccount(q: Queryable, paymentHash: string): Promise<bigint | null> {
  const res = await q.query<{ account_id: bigint | null }>(`SELECT account_id FROM l402_credentials WHERE payment_hash = $1 AND state IN ('funded', 'session')`, [paymentHash]);
  return res.rows[0]?.account_id ?? null;
}
