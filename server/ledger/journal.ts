// Posting a journal entry: the lines sum to zero and every user line changes that
// user's balance column in the same transaction. A balance that would go negative
// fails the CHECK constraint and the whole transaction rolls back.
import type { Queryable } from '../store/index.js';
import { pgErrorCode } from '../store/index.js';

export interface JournalLine {
  accountId: bigint;
  amountMsat: bigint;
}

export interface JournalEntry {
  kind: string;
  ref?: string | null;
  memo?: string | null;
  lines: JournalLine[];
  /** the day (days since 1970, UTC) a debit counts against a child token's daily cap; spending entries pass it */
  spendDay?: number;
}

export class InsufficientFundsError extends Error {
  override name = 'InsufficientFundsError';
}

/** Must run inside Db.tx (or be the only statement group of one). Returns the journal id. */
export async function postJournal(q: Queryable, entry: JournalEntry): Promise<bigint> {
  const lines = entry.lines.filter((l) => l.amountMsat !== 0n);
  const sum = lines.reduce((s, l) => s + l.amountMsat, 0n);
  if (sum !== 0n) throw new Error(`journal entry ${entry.kind} does not balance (${sum} msat)`);
  if (lines.length === 0) throw new Error(`journal entry ${entry.kind} has no lines`);

  const j = await q.query<{ id: bigint }>(`INSERT INTO journal (kind, ref, memo) VALUES ($1, $2, $3) RETURNING id`, [
    entry.kind,
    entry.ref ?? null,
    entry.memo ?? null,
  ]);
  const journalId = j.rows[0]!.id;
  const accountIds = lines.map((l) => l.accountId.toString());
  const amounts = lines.map((l) => l.amountMsat.toString());
  await q.query(
    `INSERT INTO entries (journal_id, account_id, amount_msat)
     SELECT $1, a, m FROM unnest($2::bigint[], $3::bigint[]) AS t(a, m)`,
    [journalId, accountIds, amounts],
  );
  try {
    // a debit of a capped child token counts on its day; the CHECK refuses one past the cap
    await q.query(
      `UPDATE accounts SET balance_msat = balance_msat + t.m,
         spend_day = CASE WHEN max_msat_per_day IS NULL OR t.m >= 0 OR $3::integer IS NULL THEN spend_day ELSE $3::integer END,
         spent_today_msat = CASE WHEN max_msat_per_day IS NULL OR t.m >= 0 OR $3::integer IS NULL THEN spent_today_msat
           WHEN spend_day = $3::integer THEN spent_today_msat - t.m ELSE -t.m END
       FROM (SELECT a, sum(m) AS m FROM unnest($1::bigint[], $2::bigint[]) AS u(a, m) GROUP BY a) AS t
       WHERE accounts.id = t.a AND accounts.kind = 'user'`,
      [accountIds, amounts, entry.spendDay ?? null],
    );
  } catch (err) {
    if (pgErrorCode(err) === '23514') throw new InsufficientFundsError('balance would go negative');
    throw err;
  }
  return journalId;
}
