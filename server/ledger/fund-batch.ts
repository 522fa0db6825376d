// Group commit of credentials' first uses (group-commit.ts): concurrent value-carrying credentials
// funded in one transaction, one statement over arrays, the same rows per credential as the single
// statement (l402-credentials.ts): an account of its own, the credential naming it, the deposit.
import type { Db } from '../store/index.js';
import type { SystemAccountIds } from './accounts.js';
import { createGroupCommit, type BatchOptions } from './group-commit.js';
import { credentialAccountHash, credentialState, fundCredential } from './l402-credentials.js';

export interface FundRequest {
  paymentHash: string;
  endpoint: string;
  valueMsat: bigint;
  now: number;
}

// The account's unique key decides between racing funders, as in the single statement; the keys
// are inserted in their order, so two batches racing on the same credentials never wait in a circle.
const BATCH_FUND_SQL = `
WITH i AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
    WITH ORDINALITY AS i(account_hash, payment_hash, endpoint, value, at, n)
), a AS (
  INSERT INTO accounts (kind, token_hash, balance_msat)
  SELECT 'user', decode(account_hash, 'hex'), value FROM i ORDER BY account_hash
  ON CONFLICT (token_hash) DO NOTHING RETURNING id, token_hash
), ai AS (
  SELECT a.id, i.payment_hash, i.endpoint, i.value, i.at FROM a JOIN i ON a.token_hash = decode(i.account_hash, 'hex')
), c AS (
  INSERT INTO l402_credentials (payment_hash, state, endpoint, price_msat, updated_at, account_id)
  SELECT payment_hash, 'funded', endpoint, value, at, id FROM ai ORDER BY id
  ON CONFLICT (payment_hash) DO NOTHING RETURNING payment_hash, account_id, price_msat
), j AS (
  INSERT INTO journal (kind, ref) SELECT 'l402_deposit', payment_hash FROM c ORDER BY account_id RETURNING id, ref
), e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT j.id, v.account_id, v.amount FROM j JOIN c ON c.payment_hash = j.ref,
    LATERAL (VALUES ($6::bigint, -c.price_msat), (c.account_id, c.price_msat)) AS v(account_id, amount)
)
SELECT i.n, ai.id AS created, c.account_id AS funded
FROM i LEFT JOIN ai ON ai.payment_hash = i.payment_hash LEFT JOIN c ON c.payment_hash = i.payment_hash`;

type Row = { n: bigint | number; created: bigint | null; funded: bigint | null };

/** opts: statements' size and how many run at once (BatchOptions). Resolves true when the credential is funded (now or before), false when its hash is a single-use credential's. */
export function createFundBatcher(db: Db, sys: SystemAccountIds, opts: BatchOptions = {}): (req: FundRequest) => Promise<boolean> {
  return createGroupCommit<FundRequest, boolean>({
    ...opts,
    key: (req) => req.paymentHash,
    one: (req) => fundCredential(db, sys, req),
    many: (reqs) =>
      db.tx(async (q) => {
        const res = await q.query<Row>(BATCH_FUND_SQL, [
          reqs.map((r) => credentialAccountHash(r.paymentHash).toString('hex')),
          reqs.map((r) => r.paymentHash),
          reqs.map((r) => r.endpoint),
          reqs.map((r) => r.valueMsat),
          reqs.map((r) => r.now),
          sys.lightning,
        ]);
        const out: boolean[] = new Array(reqs.length).fill(false);
        const orphans: bigint[] = [];
        for (const row of res.rows) {
          const i = Number(row.n) - 1;
          if (row.funded !== null) out[i] = true;
          // an account made for a hash a single-use credential (an AI for Hire fee) holds: it cannot fund calls
          else if (row.created !== null) orphans.push(row.created);
          // funded by a racing request meanwhile, or single-use: its state says which
          else out[i] = (await credentialState(q, reqs[i]!.paymentHash)) === 'funded';
        }
        if (orphans.length > 0) await q.query(`DELETE FROM accounts WHERE id = ANY ($1::bigint[])`, [orphans]);
        return out;
      }),
  });
}
