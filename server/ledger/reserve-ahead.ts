// Reserving ahead (ABL_RESERVE_AHEAD): the holds of a token's next few calls taken in one
// statement, for an instance to hand out from memory (payments/reserve-ahead.ts). Each is an
// ordinary hold of one call's price — settled, released, renewed and swept one by one — so a
// call's receipt, history and audit read as without it. Only tokens of their own: a child
// token's limits and its revocation are checked call by call.
import type { Queryable } from '../store/index.js';
import { spendDayOf } from './accounts.js';
import { byToken, oneStatement, type DebitTerms, type HoldRequest, type SpendContext } from './holds.js';

export interface AheadRequest extends HoldRequest, SpendContext {
  tokenHash: Buffer;
  /** the most holds to take; fewer when the balance is small */
  count: number;
  /** none taken while another instance serving this database was seen at or after seenSince (store/instances.ts) */
  onlyIfAlone?: { instanceId: string; seenSince: number };
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
// rest to spend), at least one; the debit checks the balance again under the row's lock. With $9,
// none while another serving instance was seen lately: it would count them as spent.
const AHEAD_SQL = `
WITH n AS (
  SELECT greatest(1, least($8::bigint, balance_msat / ($2::bigint * 4)))::bigint AS k FROM accounts WHERE token_hash = $1 AND kind = 'user'
    AND ($9::text IS NULL OR NOT EXISTS (SELECT 1 FROM serving_instances WHERE id <> $9::text AND seen_at >= $10::bigint))
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
    p.onlyIfAlone?.instanceId ?? null,
    p.onlyIfAlone?.seenSince ?? null,
  ]);
  const first = res.rows[0];
  if (!first) return null;
  return { holdIds: res.rows.map((r) => r.hold_id), accountId: first.account_id, balanceMsat: first.balance_msat, lowBalanceMsat: first.low_balance_msat };
}

/** The memo of a hold taken ahead and given back unused: no call, so the history leaves it out. */
export const UNUSED_MEMO = 'unused';

// holds.ts's release, for many holds of one account at once: a token of its own has no parent to
// send the money to and no daily cap to give back, so it all goes back to the account, which
// writes no entries (the journal counts open holds from `holds`), only each hold's journal row
const RELEASE_UNUSED_SQL = `
WITH s AS (
  UPDATE holds SET state = 'released', resolved_at = now()
  WHERE id = ANY ($1::bigint[]) AND state = 'held'
  RETURNING id, account_id, amount_msat
), back AS (
  UPDATE accounts a SET balance_msat = a.balance_msat + g.back
  FROM (SELECT account_id, sum(amount_msat)::bigint AS back FROM s GROUP BY account_id) g
  WHERE a.id = g.account_id
  RETURNING a.balance_msat
), j AS (
  INSERT INTO journal (kind, ref, memo) SELECT 'unreserve', s.id::text, $2 FROM s ORDER BY s.id
)
SELECT balance_msat FROM back`;

/** Gives back one account's holds taken ahead and never used, in one statement: its balance after (null: none was still held). */
export async function releaseUnused(q: Queryable, holdIds: readonly bigint[]): Promise<bigint | null> {
  const res = await oneStatement<{ balance_msat: bigint }>(q, RELEASE_UNUSED_SQL, [holdIds, UNUSED_MEMO]);
  return res.rows[0]?.balance_msat ?? null;
}
