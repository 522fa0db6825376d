// Group commit of credentials' first uses (group-commit.ts): concurrent value-carrying credentials
// funded in one statement over arrays, the same rows per credential as the single statement
// (l402-credentials.ts): the credential, an account of its own, the deposit, the call's hold.
import type { Queryable } from '../store/index.js';
import type { SystemAccountIds } from './accounts.js';
import { createGroupCommit, type BatchOptions } from './group-commit.js';
import { oneStatement } from './holds.js';
import { credentialAccountHash, fundCredential, heldAtFunding, type FundRequest, type Funded } from './l402-credentials.js';

// The credentials' primary key decides between racing funders, as in the single statement; the
// keys are inserted in their order, so two batches racing on the same credentials never wait in a circle.
const BATCH_FUND_SQL = `
WITH i AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::bigint[])
    WITH ORDINALITY AS i(account_hash, payment_hash, endpoint, value, at, held, purpose, hold_expires, n)
), c AS (
  INSERT INTO l402_credentials (payment_hash, state, endpoint, price_msat, updated_at, account_id)
  SELECT payment_hash, 'funded', endpoint, value, at, nextval(pg_get_serial_sequence('accounts', 'id')) FROM i ORDER BY payment_hash
  ON CONFLICT (payment_hash) DO NOTHING RETURNING payment_hash, account_id
), ci AS (
  -- each deposit's journal row id, taken in account order here: its entries need no join back to it
  SELECT u.*, nextval(pg_get_serial_sequence('journal', 'id')) AS journal_id FROM (
    SELECT c.account_id, i.* FROM c JOIN i ON i.payment_hash = c.payment_hash ORDER BY c.account_id) u
), a AS (
  INSERT INTO accounts (id, kind, token_hash, balance_msat)
  SELECT account_id, 'user', decode(account_hash, 'hex'), value - held FROM ci ORDER BY account_id RETURNING id, balance_msat
), j AS (
  INSERT INTO journal (id, kind, ref) SELECT journal_id, 'l402_deposit', payment_hash FROM ci
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT ci.journal_id, v.account_id, v.amount FROM ci,
    LATERAL (VALUES ($9::bigint, -ci.value), (ci.account_id, ci.value)) AS v(account_id, amount)
), h AS (
  INSERT INTO holds (account_id, amount_msat, purpose, expires_at)
  SELECT account_id, held, purpose, hold_expires FROM ci WHERE held > 0 ORDER BY account_id RETURNING id, account_id
)
SELECT ci.n, a.id AS account_id, a.balance_msat, h.id AS hold_id FROM ci JOIN a ON a.id = ci.account_id LEFT JOIN h ON h.account_id = ci.account_id`;

type Row = { n: bigint | number; account_id: bigint; balance_msat: bigint; hold_id: bigint | null };

/** opts: statements' size and how many run at once (BatchOptions). Resolves as fundCredential does: what was funded now, or null when the hash was taken before. */
export function createFundBatcher(q: Queryable, sys: SystemAccountIds, opts: BatchOptions = {}): (req: FundRequest) => Promise<Funded | null> {
  return createGroupCommit<FundRequest, Funded | null>({
    ...opts,
    key: (req) => req.paymentHash,
    one: (req) => fundCredential(q, sys, req),
    many: async (reqs) => {
      const res = await oneStatement<Row>(q, BATCH_FUND_SQL, [
        reqs.map((r) => credentialAccountHash(r.paymentHash).toString('hex')),
        reqs.map((r) => r.paymentHash),
        reqs.map((r) => r.endpoint),
        reqs.map((r) => r.valueMsat),
        reqs.map((r) => r.now),
        reqs.map(heldAtFunding),
        reqs.map((r) => r.hold?.purpose ?? ''),
        reqs.map((r) => r.hold?.expiresAt ?? 0),
        sys.lightning,
      ]);
      const out: (Funded | null)[] = new Array(reqs.length).fill(null);
      for (const row of res.rows) out[Number(row.n) - 1] = { accountId: row.account_id, balanceMsat: row.balance_msat, holdId: row.hold_id };
      return out;
    },
  });
}
