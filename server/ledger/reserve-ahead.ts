// Reserving ahead (ABL_RESERVE_AHEAD): the holds of a token's next few calls taken in one
// statement, for an instance to hand out from memory (payments/reserve-ahead.ts). Each is an
// ordinary hold of one call's price — settled, released, renewed and swept one by one — so a
// call's receipt, history and audit read as without it. Only tokens of their own: a child
// token's limits and its revocation are checked call by call.
import type { Queryable } from '../store/index.js';
import { spendDayOf } from './accounts.js';
import { byToken, oneStatement, releaseHold, type DebitTerms, type HoldRequest, type SpendContext } from './holds.js';

export interface AheadRequest extends HoldRequest, SpendContext {
  tokenHash: Buffer;
  /** the most holds to take; fewer when the balance is small */
  count: number;
}

export interface AheadResult {
  holdIds: bigint[];
  accountId: bigint;
  /** the balance with every hold taken */
  balanceMsat: bigint;
  lowBalanceMsat: bigint | null;
}

const AHEAD: DebitTerms = { key: '$1', amount: '($2::bigint * n.k)', at: '$5::bigint', day: '$6::integer', api: '$7::text', from: 'n', returning: ', n.k', narrow: ' AND parent_id IS NULL' };

// k: at most `count` holds, together at most a quarter of the balance (other instances keep the
// rest to spend), at least one; the debit checks the balance again under the row's lock
const AHEAD_SQL = `
WITH n AS (
  SELECT greatest(1, least($8::bigint, balance_msat / ($2::bigint * 4)))::bigint AS k FROM accounts WHERE token_hash = $1 AND kind = 'user'
), debit AS (
  ${byToken(AHEAD)}
), h AS (
  INSERT INTO holds (account_id, amount_msat, purpose, expires_at, spend_day)
  SELECT debit.id, $2::bigint, $3, $4::bigint, debit.spend_day FROM debit, generate_series(1, debit.k) RETURNING id
)
SELECT h.id AS hold_id, debit.id AS account_id, debit.balance_msat, debit.low_balance_msat FROM h, debit ORDER BY h.id`;

/** Takes up to `count` holds of amountMsat each from a token of its own; null when it cannot (unknown, a child token, too poor: the single reservation tells why). */
export async function reserveAhead(q: Queryable, p: AheadRequest): Promise<AheadResult | null> {
  if (p.amountMsat <= 0n || p.count < 1) return null;
  const res = await oneStatement<{ hold_id: bigint; account_id: bigint; balance_msat: bigint; low_balance_msat: bigint | null }>(q, AHEAD_SQL, [
    p.tokenHash,
    p.amountMsat,
    p.purpose,
    p.expiresAt,
    p.now,
    spendDayOf(p.now),
    p.api,
    p.count,
  ]);
  const first = res.rows[0];
  if (!first) return null;
  return { holdIds: res.rows.map((r) => r.hold_id), accountId: first.account_id, balanceMsat: first.balance_msat, lowBalanceMsat: first.low_balance_msat };
}

/** The memo of a hold taken ahead and given back unused: no call, so the history leaves it out. */
export const UNUSED_MEMO = 'unused';

/** Gives back holds taken ahead and never used; the balance after the last one (null: none was still held). */
export async function releaseUnused(q: Queryable, holdIds: readonly bigint[]): Promise<bigint | null> {
  let balance: bigint | null = null;
  for (const holdId of holdIds) balance = (await releaseHold(q, { holdId, memo: UNUSED_MEMO })) ?? balance;
  return balance;
}
