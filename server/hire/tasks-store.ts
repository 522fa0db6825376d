// SQL for tasks. Every status change is a compare-and-set: UPDATE … WHERE status = expected
// RETURNING, so a caller that gets null lost a race (or asked in the wrong state).
import type { TaskOutcome, TaskStatus } from '../../contract/hire-states.js';
import type { Acceptance } from '../../contract/hire.js';
import type { Queryable } from '../store/index.js';
import type { StoredMilestone } from './milestones.js';

export { TASK_STATUSES, type TaskStatus } from '../../contract/hire-states.js';

/** States in which the accepted price sits in escrow. */
export const ESCROW_HELD: readonly TaskStatus[] = ['awarded', 'delivered', 'revision_requested', 'disputed'];
/** States in which the contractor is working (a delivery is due). */
export const IN_WORK: readonly TaskStatus[] = ['awarded', 'revision_requested'];

export interface TaskRow {
  id: string;
  buyer_account_id: bigint;
  title: string;
  description: string;
  budget_msat: bigint | null;
  status: TaskStatus;
  accepted_quote_id: string | null;
  contractor_account_id: bigint | null;
  escrow_msat: bigint | null;
  contractor_paid_msat: bigint | null;
  buyer_refunded_msat: bigint | null;
  outcome: TaskOutcome | null;
  revisions_used: number;
  expires_at: bigint;
  delivery_due_at: bigint | null;
  review_due_at: bigint | null;
  delivered_at: bigint | null;
  created_at: bigint;
  updated_at: bigint;
  /** fixed when posted; null: one delivery */
  milestones: StoredMilestone[] | null;
  /** a task without milestones: the check its delivery must pass */
  acceptance: Acceptance | null;
  current_milestone: number;
  /** escrow already paid for finished milestones */
  released_msat: bigint;
  awarded_at: bigint | null;
  /** the buyer's public profile id */
  buyer_profile: string;
}

export interface NewTask {
  id: string;
  buyerAccountId: bigint;
  title: string;
  description: string;
  budgetMsat: bigint | null;
  now: number;
  expiresAt: number;
  milestones: StoredMilestone[] | null;
  acceptance: Acceptance | null;
  buyerProfile: string;
}

export async function insertTask(q: Queryable, t: NewTask): Promise<TaskRow> {
  const res = await q.query<TaskRow>(
    `INSERT INTO hire_tasks (id, buyer_account_id, title, description, budget_msat, expires_at, created_at, updated_at, milestones, acceptance, buyer_profile)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8::jsonb, $9::jsonb, $10) RETURNING *`,
    [t.id, t.buyerAccountId, t.title, t.description, t.budgetMsat, t.expiresAt, t.now, json(t.milestones), json(t.acceptance), t.buyerProfile],
  );
  return res.rows[0]!;
}

const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));

export async function findTask(q: Queryable, id: string): Promise<TaskRow | null> {
  const res = await q.query<TaskRow>(`SELECT * FROM hire_tasks WHERE id = $1`, [id]);
  return res.rows[0] ?? null;
}

/** Locks the task row for the rest of the transaction (accept and quoting serialise on it). */
export async function lockTask(q: Queryable, id: string, mode: 'UPDATE' | 'SHARE'): Promise<TaskRow | null> {
  const res = await q.query<TaskRow>(`SELECT * FROM hire_tasks WHERE id = $1 FOR ${mode === 'UPDATE' ? 'UPDATE' : 'SHARE'}`, [id]);
  return res.rows[0] ?? null;
}

export async function listTasks(q: Queryable, p: { status: TaskStatus | null; limit: number; offset: number }): Promise<TaskRow[]> {
  const res = await q.query<TaskRow>(
    `SELECT * FROM hire_tasks WHERE ($1::text IS NULL OR status = $1)
     ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
    [p.status, p.limit, p.offset],
  );
  return res.rows;
}

export async function tasksOfAccount(q: Queryable, accountId: bigint, limit: number): Promise<TaskRow[]> {
  const res = await q.query<TaskRow>(`SELECT * FROM hire_tasks WHERE buyer_account_id = $1 ORDER BY created_at DESC, id LIMIT $2`, [accountId, limit]);
  return res.rows;
}

/** open → awarded with the accepted quote's contractor and price (the escrow). */
export async function markAwarded(
  q: Queryable,
  p: { id: string; quoteId: string; contractorAccountId: bigint; escrowMsat: bigint; now: number; deliveryDueAt: number },
): Promise<TaskRow | null> {
  const res = await q.query<TaskRow>(
    `UPDATE hire_tasks SET status = 'awarded', accepted_quote_id = $2, contractor_account_id = $3, escrow_msat = $4,
       delivery_due_at = $6, updated_at = $5, awarded_at = $5
     WHERE id = $1 AND status = 'open' AND expires_at > $5 RETURNING *`,
    [p.id, p.quoteId, p.contractorAccountId, p.escrowMsat, p.now, p.deliveryDueAt],
  );
  return res.rows[0] ?? null;
}

/** open → cancelled (buyer), only before its time to live ran out: from then on the sweep expires it. */
export async function markCancelled(q: Queryable, id: string, now: number): Promise<TaskRow | null> {
  const res = await q.query<TaskRow>(`UPDATE hire_tasks SET status = 'cancelled', updated_at = $2 WHERE id = $1 AND status = 'open' AND expires_at > $2 RETURNING *`, [id, now]);
  return res.rows[0] ?? null;
}

/** awarded | revision_requested → delivered, only before the delivery deadline. */
export async function markDelivered(q: Queryable, p: { id: string; now: number; reviewDueAt: number }): Promise<TaskRow | null> {
  const res = await q.query<TaskRow>(
    `UPDATE hire_tasks SET status = 'delivered', delivered_at = $2, review_due_at = $3, delivery_due_at = NULL, updated_at = $2
     WHERE id = $1 AND status IN ('awarded', 'revision_requested') AND delivery_due_at > $2 RETURNING *`,
    [p.id, p.now, p.reviewDueAt],
  );
  return res.rows[0] ?? null;
}

/** delivered → revision_requested, while revisions remain and before the review deadline. */
export async function markRevisionRequested(
  q: Queryable,
  p: { id: string; now: number; deliveryDueAt: number; maxRevisions: number },
): Promise<TaskRow | null> {
  const res = await q.query<TaskRow>(
    `UPDATE hire_tasks SET status = 'revision_requested', revisions_used = revisions_used + 1, delivery_due_at = $3,
       review_due_at = NULL, updated_at = $2
     WHERE id = $1 AND status = 'delivered' AND review_due_at > $2 AND revisions_used < $4 RETURNING *`,
    [p.id, p.now, p.deliveryDueAt, p.maxRevisions],
  );
  return res.rows[0] ?? null;
}

/** delivered → disputed, before the review deadline (after it the delivery is released). */
export async function markDisputed(q: Queryable, id: string, now: number): Promise<TaskRow | null> {
  const res = await q.query<TaskRow>(
    `UPDATE hire_tasks SET status = 'disputed', review_due_at = NULL, updated_at = $2
     WHERE id = $1 AND status = 'delivered' AND review_due_at > $2 RETURNING *`,
    [id, now],
  );
  return res.rows[0] ?? null;
}

/** Open tasks past their time-to-live → expired; safe on many instances (locked rows are skipped). */
export async function expireOpenTasks(q: Queryable, now: number, limit: number): Promise<string[]> {
  const res = await q.query<{ id: string }>(
    `UPDATE hire_tasks SET status = 'expired', updated_at = $1
     WHERE status = 'open' AND id IN (
       SELECT id FROM hire_tasks WHERE status = 'open' AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [now, limit],
  );
  return res.rows.map((r) => r.id);
}

export async function overdueTaskIds(q: Queryable, kind: 'delivery' | 'review', now: number, limit: number): Promise<string[]> {
  const sql =
    kind === 'delivery'
      ? `SELECT id FROM hire_tasks WHERE status IN ('awarded', 'revision_requested') AND delivery_due_at <= $1 ORDER BY delivery_due_at LIMIT $2`
      : `SELECT id FROM hire_tasks WHERE status = 'delivered' AND review_due_at <= $1 ORDER BY review_due_at LIMIT $2`;
  const res = await q.query<{ id: string }>(sql, [now, limit]);
  return res.rows.map((r) => r.id);
}

export async function tasksByIds(q: Queryable, ids: readonly string[]): Promise<Map<string, TaskRow>> {
  if (ids.length === 0) return new Map();
  const res = await q.query<TaskRow>(`SELECT * FROM hire_tasks WHERE id = ANY($1::uuid[])`, [[...ids]]);
  return new Map(res.rows.map((r) => [r.id, r]));
}
