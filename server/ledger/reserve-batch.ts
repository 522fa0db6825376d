// Group commit of reservations (group-commit.ts): concurrent paid calls' holds taken in one
// statement over `unnest` arrays, the same debit as the single statement (holds.ts) per row. A
// reservation the batch did not take (too poor, revoked, a child token's limit) goes alone through
// the single path, which tells why; so a refusal reads exactly as without batching.
import type { Queryable } from '../store/index.js';
import { spendDayOf } from './accounts.js';
import { byCredential, byToken, oneStatement, reserveByCredential, reserveByTokenHash, type DebitTerms, type HoldRequest, type ReserveResult, type SpendContext } from './holds.js';
import { createGroupCommit, type BatchOptions } from './group-commit.js';

export type TokenReserve = HoldRequest & SpendContext & { tokenHash: Buffer };
export type CredentialReserve = HoldRequest & { paymentHash: string };

const MANY: DebitTerms = { key: 'i.key', amount: 'i.amount', at: 'i.at', day: 'i.day', api: 'i.api', from: 'i', returning: ', i.n, i.amount, i.purpose, i.hold_expires', narrow: '' };

// One row per account in `debit` (a batch holds each key once; two keys of one account would
// update it once, and the other reservation goes alone), so its hold joins back by account.
const batchSql = (keyType: string, debit: string, unknown: string) => `
WITH i AS (
  SELECT * FROM unnest($1::${keyType}[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::integer[], $7::text[])
    WITH ORDINALITY AS i(key, amount, purpose, hold_expires, at, day, api, n)
), debit AS (
  ${debit}
), h AS (
  INSERT INTO holds (account_id, amount_msat, purpose, expires_at, spend_day)
  SELECT id, amount, purpose, hold_expires, spend_day FROM debit ORDER BY id RETURNING id, account_id
)
SELECT h.id AS hold_id, debit.id AS account_id, debit.balance_msat, debit.low_balance_msat, debit.n FROM debit JOIN h ON h.account_id = debit.id${unknown}`;
// token hashes travel as hex: an array of byte strings is not a parameter both drivers serialise
// `narrow`: the batch's accounts, found by their index whatever the planner guesses of the batch's
// size (a join on `i` alone may scan every account), and locked in id order before any is debited,
// as the settlement batch locks them, so two statements never wait on each other in a circle
const BY_TOKEN_SQL = batchSql(
  'text',
  byToken({
    ...MANY,
    key: "decode(i.key, 'hex')",
    narrow: " AND id = ANY (ARRAY(SELECT l.id FROM accounts l WHERE l.token_hash = ANY (ARRAY(SELECT decode(k, 'hex') FROM unnest($1::text[]) AS k)) AND l.kind = 'user' ORDER BY l.id FOR NO KEY UPDATE))",
  }),
  '',
);
// a credential never funded is the common refusal (its first use funds it): said in the batch, so it needs no statement of its own
const BY_CREDENTIAL_SQL = batchSql(
  'text',
  byCredential({
    ...MANY,
    narrow:
      ' AND c.payment_hash = ANY ($1::text[]) AND a.id = ANY (ARRAY(SELECT l.id FROM accounts l JOIN l402_credentials lc ON lc.account_id = l.id WHERE lc.payment_hash = ANY ($1::text[]) ORDER BY l.id FOR NO KEY UPDATE OF l))',
  }),
  `
UNION ALL SELECT NULL, NULL, NULL, NULL, i.n FROM i WHERE NOT EXISTS (SELECT 1 FROM l402_credentials c WHERE c.payment_hash = i.key AND c.state = 'funded')`,
);

interface BatchRow {
  /** null: the key names no account (unknown_account) */
  hold_id: bigint | null;
  account_id: bigint;
  balance_msat: bigint;
  low_balance_msat: bigint | null;
  n: bigint | number;
}

async function batch(q: Queryable, sql: string, reqs: (HoldRequest & { key: string; at?: number; api?: string })[]): Promise<(ReserveResult | undefined)[]> {
  const params = [
    reqs.map((r) => r.key),
    reqs.map((r) => r.amountMsat),
    reqs.map((r) => r.purpose),
    reqs.map((r) => r.expiresAt),
    reqs.map((r) => r.at ?? 0),
    reqs.map((r) => (r.at === undefined ? 0 : spendDayOf(r.at))),
    reqs.map((r) => r.api ?? ''),
  ];
  const res = await oneStatement<BatchRow>(q, sql, params);
  const out: (ReserveResult | undefined)[] = new Array(reqs.length).fill(undefined);
  for (const row of res.rows) {
    out[Number(row.n) - 1] = row.hold_id === null ? { ok: false, reason: 'unknown_account' } : { ok: true, holdId: row.hold_id, accountId: row.account_id, balanceMsat: row.balance_msat, lowBalanceMsat: row.low_balance_msat };
  }
  return out;
}

export interface ReserveBatcher {
  byToken(p: TokenReserve): Promise<ReserveResult>;
  byCredential(p: CredentialReserve): Promise<ReserveResult>;
}

/** opts: statements' size and how many run at once (BatchOptions). */
export function createReserveBatcher(q: Queryable, opts: BatchOptions = {}): ReserveBatcher {
  return {
    byToken: createGroupCommit<TokenReserve, ReserveResult>({
      ...opts,
      key: (p) => p.tokenHash.toString('hex'),
      one: (p) => reserveByTokenHash(q, p),
      many: (ps) => batch(q, BY_TOKEN_SQL, ps.map((p) => ({ ...p, key: p.tokenHash.toString('hex'), at: p.now }))),
    }),
    byCredential: createGroupCommit<CredentialReserve, ReserveResult>({
      ...opts,
      key: (p) => p.paymentHash,
      one: (p) => reserveByCredential(q, p),
      many: (ps) => batch(q, BY_CREDENTIAL_SQL, ps.map((p) => ({ ...p, key: p.paymentHash }))),
    }),
  };
}
