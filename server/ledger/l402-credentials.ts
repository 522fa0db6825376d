// Single-use L402 credentials in the store: claimed (in_flight) before forwarding, spent
// when the upstream served, released when it failed. The primary key makes a replay fail
// on every instance.
import type { Queryable } from '../store/index.js';
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
