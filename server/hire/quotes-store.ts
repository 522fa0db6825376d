// SQL for quotes. Status changes are compare-and-sets on `status = 'pending'`.
import type { QuoteStatus } from '../../contract/hire-states.js';
import type { Queryable } from '../store/index.js';

export interface QuoteRow {
  id: string;
  task_id: string;
  contractor_account_id: bigint;
  price_msat: bigint;
  description: string;
  status: QuoteStatus;
  /** the lowest price it has offered, once its price was edited (null: never edited) */
  lowest_price_msat: bigint | null;
  created_at: bigint;
  updated_at: bigint;
  /** the contractor's public profile id */
  contractor_profile: string;
}

export async function insertQuote(
  q: Queryable,
  p: { id: string; taskId: string; contractorAccountId: bigint; priceMsat: bigint; description: string; now: number; contractorProfile: string },
): Promise<QuoteRow> {
  const res = await q.query<QuoteRow>(
    `INSERT INTO hire_quotes (id, task_id, contractor_account_id, price_msat, description, created_at, updated_at, contractor_profile)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING *`,
    [p.id, p.taskId, p.contractorAccountId, p.priceMsat, p.description, p.now, p.contractorProfile],
  );
  return res.rows[0]!;
}

/** The quote, only if it belongs to this task (another task's quote is "not found"). */
export async function findQuote(q: Queryable, taskId: string, quoteId: string): Promise<QuoteRow | null> {
  const res = await q.query<QuoteRow>(`SELECT * FROM hire_quotes WHERE id = $1 AND task_id = $2`, [quoteId, taskId]);
  return res.rows[0] ?? null;
}

export async function quotesOfTask(q: Queryable, taskId: string): Promise<QuoteRow[]> {
  const res = await q.query<QuoteRow>(`SELECT * FROM hire_quotes WHERE task_id = $1 ORDER BY created_at, id`, [taskId]);
  return res.rows;
}

export async function quotesOfContractor(q: Queryable, accountId: bigint, limit: number): Promise<QuoteRow[]> {
  const res = await q.query<QuoteRow>(
    `SELECT * FROM hire_quotes WHERE contractor_account_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [accountId, limit],
  );
  return res.rows;
}

export async function quoteCounts(q: Queryable, taskIds: readonly string[]): Promise<Map<string, number>> {
  if (taskIds.length === 0) return new Map();
  const res = await q.query<{ task_id: string; n: bigint }>(
    `SELECT task_id, count(*) AS n FROM hire_quotes WHERE task_id = ANY($1::uuid[]) GROUP BY task_id`,
    [[...taskIds]],
  );
  return new Map(res.rows.map((r) => [r.task_id, Number(r.n)]));
}

/**
 * A pending quote's new price and/or description, remembering the lowest price it offered;
 * null when it is no longer pending.
 */
export async function updatePendingQuote(
  q: Queryable,
  p: { id: string; priceMsat: bigint | null; description: string | null; now: number },
): Promise<QuoteRow | null> {
  const res = await q.query<QuoteRow>(
    `UPDATE hire_quotes SET price_msat = COALESCE($2::bigint, price_msat), description = COALESCE($3::text, description), updated_at = $4,
       lowest_price_msat = LEAST(COALESCE(lowest_price_msat, price_msat), COALESCE($2::bigint, price_msat))
     WHERE id = $1 AND status = 'pending' RETURNING *`,
    [p.id, p.priceMsat, p.description, p.now],
  );
  return res.rows[0] ?? null;
}

/** pending → accepted | withdrawn; null when it was not pending. */
export async function moveQuote(q: Queryable, p: { id: string; to: 'accepted' | 'withdrawn'; now: number }): Promise<QuoteRow | null> {
  const res = await q.query<QuoteRow>(`UPDATE hire_quotes SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'pending' RETURNING *`, [
    p.id,
    p.to,
    p.now,
  ]);
  return res.rows[0] ?? null;
}

/** Every quote still pending on these tasks → declined (another won, or the task closed); the declined quotes. */
export async function declinePendingQuotes(q: Queryable, taskIds: readonly string[], now: number): Promise<QuoteRow[]> {
  if (taskIds.length === 0) return [];
  const res = await q.query<QuoteRow>(`UPDATE hire_quotes SET status = 'declined', updated_at = $2 WHERE task_id = ANY($1::uuid[]) AND status = 'pending' RETURNING *`, [
    [...taskIds],
    now,
  ]);
  return res.rows;
}
