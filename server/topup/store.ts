// SQL for top-up invoices. Every state change is a compare-and-set on the row.
import type { Queryable } from '../store/index.js';

export interface TopupRow {
  payment_hash: string;
  amount_msat: bigint;
  account_id: bigint | null;
  bolt11: string;
  state: 'pending' | 'paid' | 'expired';
  credited_account_id: bigint | null;
  credited: boolean;
  claimed: boolean;
  expires_at: bigint;
  /** new-token invoices: SHA-256 of the token their claim secret derives */
  claim_token_hash: Buffer | null;
  claim_secret_only: boolean;
}

const COLUMNS = `payment_hash, amount_msat, account_id, bolt11, state, credited_account_id,
  credited_at IS NOT NULL AS credited, claimed_at IS NOT NULL AS claimed, expires_at, claim_token_hash, claim_secret_only`;

export async function insertTopup(
  q: Queryable,
  t: {
    paymentHash: string;
    amountMsat: bigint;
    accountId: bigint | null;
    bolt11: string;
    expiresAt: number;
    claimTokenHash: Buffer | null;
    claimSecretOnly: boolean;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO topups (payment_hash, amount_msat, account_id, bolt11, expires_at, claim_token_hash, claim_secret_only)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [t.paymentHash, t.amountMsat, t.accountId, t.bolt11, t.expiresAt, t.claimTokenHash, t.claimSecretOnly],
  );
}

export async function findTopup(q: Queryable, paymentHash: string): Promise<TopupRow | null> {
  const res = await q.query<TopupRow>(`SELECT ${COLUMNS} FROM topups WHERE payment_hash = $1`, [paymentHash]);
  return row(res.rows[0]);
}

/** bytea arrives as a Buffer from node-postgres and as a Uint8Array from PGlite. */
function row(r: TopupRow | undefined): TopupRow | null {
  if (!r) return null;
  return r.claim_token_hash === null ? r : { ...r, claim_token_hash: Buffer.from(r.claim_token_hash) };
}

/** The row, locked until the transaction ends: credits that must create an account read it so. */
export async function lockTopup(q: Queryable, paymentHash: string): Promise<TopupRow | null> {
  const res = await q.query<TopupRow>(`SELECT ${COLUMNS} FROM topups WHERE payment_hash = $1 FOR UPDATE`, [paymentHash]);
  return row(res.rows[0]);
}

/** Marks a paid invoice claimed if it is not yet (a claim-secret claim: repeatable, never an error). */
export async function markClaimed(q: Queryable, paymentHash: string): Promise<void> {
  await q.query(`UPDATE topups SET claimed_at = now() WHERE payment_hash = $1 AND claimed_at IS NULL AND state = 'paid'`, [paymentHash]);
}

/** pending → paid; true if this call made the change. */
export async function markPaid(q: Queryable, paymentHash: string): Promise<boolean> {
  const res = await q.query(`UPDATE topups SET state = 'paid' WHERE payment_hash = $1 AND state <> 'paid' RETURNING 1`, [paymentHash]);
  return res.rows.length === 1;
}

/** Takes the one right to claim: null when someone already claimed it. */
export async function takeClaim(q: Queryable, paymentHash: string): Promise<TopupRow | null> {
  const res = await q.query<TopupRow>(
    `UPDATE topups SET claimed_at = now(), state = 'paid' WHERE payment_hash = $1 AND claimed_at IS NULL RETURNING ${COLUMNS}`,
    [paymentHash],
  );
  return row(res.rows[0]);
}

/** Takes the one right to credit: null when it was credited already. */
export async function takeCredit(q: Queryable, paymentHash: string, accountId: bigint): Promise<TopupRow | null> {
  const res = await q.query<TopupRow>(
    `UPDATE topups SET credited_at = now(), credited_account_id = $2, state = 'paid'
     WHERE payment_hash = $1 AND credited_at IS NULL RETURNING ${COLUMNS}`,
    [paymentHash, accountId],
  );
  return row(res.rows[0]);
}

export async function markExpired(q: Queryable, now: number): Promise<number> {
  const res = await q.query(`UPDATE topups SET state = 'expired' WHERE state = 'pending' AND expires_at < $1 RETURNING 1`, [now]);
  return res.rows.length;
}

export async function listPendingHashes(q: Queryable, now: number, limit: number): Promise<string[]> {
  const res = await q.query<{ payment_hash: string }>(
    `SELECT payment_hash FROM topups WHERE state = 'pending' AND expires_at >= $1 ORDER BY expires_at DESC LIMIT $2`,
    [now, limit],
  );
  return res.rows.map((r) => r.payment_hash);
}
