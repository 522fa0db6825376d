// SQL for collects (payouts). A payout leaves `pending` once, by compare-and-set.
import type { PayoutState } from '../../contract/hire-states.js';
import type { Queryable } from '../store/index.js';

export interface PayoutRow {
  id: string;
  account_id: bigint;
  payment_hash: string;
  bolt11: string;
  amount_msat: bigint;
  fee_reserve_msat: bigint;
  fee_msat: bigint | null;
  state: PayoutState;
  preimage: string | null;
  failure_reason: string | null;
  invoice_expires_at: bigint;
  created_at: bigint;
  resolved_at: bigint | null;
}

export async function insertPayout(
  q: Queryable,
  p: { id: string; accountId: bigint; paymentHash: string; bolt11: string; amountMsat: bigint; feeReserveMsat: bigint; invoiceExpiresAt: number; now: number },
): Promise<PayoutRow> {
  const res = await q.query<PayoutRow>(
    `INSERT INTO hire_payouts (id, account_id, payment_hash, bolt11, amount_msat, fee_reserve_msat, invoice_expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [p.id, p.accountId, p.paymentHash, p.bolt11, p.amountMsat, p.feeReserveMsat, p.invoiceExpiresAt, p.now],
  );
  return res.rows[0]!;
}

/** The live (pending or paid) payout of this invoice, whoever asked for it. */
export async function livePayoutOf(q: Queryable, paymentHash: string): Promise<PayoutRow | null> {
  const res = await q.query<PayoutRow>(`SELECT * FROM hire_payouts WHERE payment_hash = $1 AND state <> 'failed'`, [paymentHash]);
  return res.rows[0] ?? null;
}

export async function latestPayoutOf(q: Queryable, accountId: bigint, paymentHash: string): Promise<PayoutRow | null> {
  const res = await q.query<PayoutRow>(
    `SELECT * FROM hire_payouts WHERE account_id = $1 AND payment_hash = $2 ORDER BY created_at DESC, (state = 'failed') LIMIT 1`,
    [accountId, paymentHash],
  );
  return res.rows[0] ?? null;
}

export async function markPayoutSucceeded(q: Queryable, p: { id: string; feeMsat: bigint; preimage: string; now: number }): Promise<PayoutRow | null> {
  const res = await q.query<PayoutRow>(
    `UPDATE hire_payouts SET state = 'succeeded', fee_msat = $2, preimage = $3, resolved_at = $4 WHERE id = $1 AND state = 'pending' RETURNING *`,
    [p.id, p.feeMsat, p.preimage, p.now],
  );
  return res.rows[0] ?? null;
}

export async function markPayoutFailed(q: Queryable, p: { id: string; reason: string; now: number }): Promise<PayoutRow | null> {
  const res = await q.query<PayoutRow>(
    `UPDATE hire_payouts SET state = 'failed', failure_reason = $2, resolved_at = $3 WHERE id = $1 AND state = 'pending' RETURNING *`,
    [p.id, p.reason.slice(0, 500), p.now],
  );
  return res.rows[0] ?? null;
}

export async function pendingPayouts(q: Queryable, createdBefore: number, limit: number): Promise<PayoutRow[]> {
  const res = await q.query<PayoutRow>(`SELECT * FROM hire_payouts WHERE state = 'pending' AND created_at <= $1 ORDER BY created_at LIMIT $2`, [
    createdBefore,
    limit,
  ]);
  return res.rows;
}
