// L402 credentials in the store, keyed by payment hash so a replay fails on every instance.
// Single-use (AI for Hire fees): claimed in_flight, then spent with its price booked as revenue.
// Value-carrying (the proxy): funded once into an account of its own, then paid from like a token.
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../store/index.js';
import type { SystemAccountIds } from './accounts.js';

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

// The account, the credential naming it and the deposit's journal row, in one statement: the
// account's unique key decides between racing requests (a loser waits for the winner's commit).
const FUND_SQL = `
WITH a AS (
  INSERT INTO accounts (kind, token_hash, balance_msat) VALUES ('user', $1, $4::bigint)
  ON CONFLICT (token_hash) DO NOTHING RETURNING id
), c AS (
  INSERT INTO l402_credentials (payment_hash, state, endpoint, price_msat, updated_at, account_id)
  SELECT $2, 'funded', $3, $4::bigint, $5::bigint, a.id FROM a
  ON CONFLICT (payment_hash) DO NOTHING RETURNING account_id
), j AS (
  INSERT INTO journal (kind, ref) SELECT 'l402_deposit', $2 FROM c RETURNING id
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j, c, LATERAL (VALUES ($6::bigint, -$4::bigint), (c.account_id, $4::bigint)) AS v(account_id, amount)
)
SELECT (SELECT id FROM a) AS created, (SELECT account_id FROM c) AS funded`;

/**
 * First use of a value-carrying credential: its invoice amount moves from `lightning` into an
 * account of its own, once (the primary key decides between racing instances). Returns false
 * when the payment hash was already taken as a single-use credential (spent or in flight).
 */
export async function fundCredential(db: Db, sys: SystemAccountIds, p: { paymentHash: string; endpoint: string; valueMsat: bigint; now: number }): Promise<boolean> {
  return db.tx(async (q) => {
    const res = await q.query<{ created: bigint | null; funded: bigint | null }>(FUND_SQL, [
      credentialAccountHash(p.paymentHash),
      p.paymentHash,
      p.endpoint,
      p.valueMsat,
      p.now,
      sys.lightning,
    ]);
    const row = res.rows[0];
    if (row?.funded != null) return true;
    if (row?.created == null) return (await credentialState(q, p.paymentHash)) === 'funded';
    // a single-use credential (an AI for Hire fee) with this payment hash: it cannot fund calls
    await q.query(`DELETE FROM accounts WHERE id = $1`, [row.created]);
    return false;
  });
}

export async function credentialState(q: Queryable, paymentHash: string): Promise<string | null> {
  const res = await q.query<{ state: string }>(`SELECT state FROM l402_credentials WHERE payment_hash = $1`, [paymentHash]);
  return res.rows[0]?.state ?? null;
}

/** A credential's account is keyed like a token's, by a hash no token can have. */
export function credentialAccountHash(paymentHash: string): Buffer {
  return createHash('sha256').update(`l402:${paymentHash}`, 'utf8').digest();
}

/** The account a funded credential pays from, if it was funded. */
export async function credentialAccount(q: Queryable, paymentHash: string): Promise<bigint | null> {
  const res = await q.query<{ account_id: bigint | null }>(`SELECT account_id FROM l402_credentials WHERE payment_hash = $1 AND state = 'funded'`, [paymentHash]);
  return res.rows[0]?.account_id ?? null;
}
