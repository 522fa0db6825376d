// The references of the rows every paid call writes, which no foreign key checks (migrations 024
// and 025): each entry names a journal row and an account, each hold an account, each receipt an
// account (and its hold, where a row of it remains, is that account's and no longer open).
import type { Queryable } from '../store/index.js';

const SHOWN = 20;

/** Entries from journal id `fromJournalId` on whose journal row or account is missing, and open holds whose account is; with `full`, every hold and receipt too. */
export async function referenceProblems(q: Queryable, opts: { fromJournalId: bigint; full: boolean }): Promise<string[]> {
  const problems: string[] = [];
  const entries = await q.query<{ journal_id: bigint; account_id: bigint; journal: boolean; account: boolean }>(
    `SELECT e.journal_id, e.account_id, j.id IS NOT NULL AS journal, a.id IS NOT NULL AS account
     FROM entries e LEFT JOIN journal j ON j.id = e.journal_id LEFT JOIN accounts a ON a.id = e.account_id
     WHERE e.journal_id >= $1 AND (j.id IS NULL OR a.id IS NULL)
     ORDER BY e.journal_id LIMIT ${SHOWN}`,
    [opts.fromJournalId],
  );
  for (const r of entries.rows) {
    if (!r.journal) problems.push(`an entry names journal ${r.journal_id}, which does not exist`);
    if (!r.account) problems.push(`journal ${r.journal_id} has an entry for account ${r.account_id}, which does not exist`);
  }
  // open holds are few (calls in flight, holds kept ahead); the full audit reads them all
  const holds = await q.query<{ id: bigint; account_id: bigint }>(
    `SELECT h.id, h.account_id FROM holds h LEFT JOIN accounts a ON a.id = h.account_id
     WHERE a.id IS NULL${opts.full ? '' : " AND h.state = 'held'"}
     ORDER BY h.id LIMIT ${SHOWN}`,
  );
  for (const r of holds.rows) problems.push(`hold ${r.id} names account ${r.account_id}, which does not exist`);
  if (!opts.full) return problems;
  // a settlement deletes its hold (holds.ts): a receipt's hold, where its row remains (settled
  // before that, or still open), must be its account's and no longer open
  const receipts = await q.query<{ request_id: string; account_id: bigint; hold_id: bigint; account: boolean; hold_account: bigint | null; hold_open: boolean | null }>(
    `SELECT p.request_id, p.account_id, p.hold_id, a.id IS NOT NULL AS account, h.account_id AS hold_account, h.state = 'held' AS hold_open
     FROM paid_calls p LEFT JOIN accounts a ON a.id = p.account_id LEFT JOIN holds h ON h.id = p.hold_id
     WHERE a.id IS NULL OR h.account_id <> p.account_id OR h.state = 'held'
     ORDER BY p.hold_id LIMIT ${SHOWN}`,
  );
  for (const r of receipts.rows) {
    if (!r.account) problems.push(`the receipt of ${r.request_id} names account ${r.account_id}, which does not exist`);
    else if (r.hold_account !== null && r.hold_account !== r.account_id) problems.push(`the receipt of ${r.request_id} names account ${r.account_id}, its hold ${r.hold_id} account ${r.hold_account}`);
    else if (r.hold_open) problems.push(`the receipt of ${r.request_id} names hold ${r.hold_id}, which is still open`);
  }
  return problems;
}
