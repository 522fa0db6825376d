// Milestones: a task paid in parts. They are fixed when the task is posted and worked in order;
// the task's status is the current milestone's. Confirming (or a passing acceptance check, or the
// review deadline) releases the current milestone's amount and moves on; the last one is paid by
// closing the task, so the single-delivery task is the one-milestone case of the same steps.
import type { MilestoneStatus } from '../../contract/hire-states.js';
import type { Acceptance } from '../../contract/hire.js';
import type { Milestone } from '../../contract/hire-views.js';
import { releaseEscrowPart } from '../ledger/escrow-release.js';
import type { SystemAccountIds } from '../ledger/index.js';
import type { Queryable } from '../store/index.js';
import type { TaskRow } from './tasks-store.js';

/** As stored in hire_tasks.milestones. */
export interface StoredMilestone {
  title: string;
  amount_sats: number;
  deadline_seconds: number | null;
  acceptance: Acceptance | null;
}

export const isLastMilestone = (t: TaskRow): boolean => t.milestones === null || t.current_milestone >= t.milestones.length - 1;

/** The check the current delivery must pass, if any. */
export const currentAcceptance = (t: TaskRow): Acceptance | null =>
  t.milestones === null ? t.acceptance : (t.milestones[t.current_milestone]?.acceptance ?? null);

/** Seconds the contractor has for milestone `index` from when it becomes current. */
export const deliverySecondsOf = (t: Pick<TaskRow, 'milestones'>, index: number, fallback: number): number =>
  t.milestones?.[index]?.deadline_seconds ?? fallback;

export const milestoneTotalMsat = (ms: readonly StoredMilestone[]): bigint => ms.reduce((s, m) => s + BigInt(m.amount_sats) * 1000n, 0n);

function statusOf(t: TaskRow, index: number): MilestoneStatus {
  if (t.status === 'open') return 'pending';
  if (t.status === 'cancelled' || t.status === 'expired') return 'cancelled';
  if (t.status === 'completed' || index < t.current_milestone) return 'released';
  if (t.status === 'refunded' || t.status === 'split') return t.status;
  if (index > t.current_milestone) return 'pending';
  return t.status === 'awarded' ? 'in_work' : t.status;
}

export function milestoneViews(t: TaskRow): Milestone[] {
  return (t.milestones ?? []).map((m, index) => ({
    index,
    title: m.title,
    amount_sats: m.amount_sats,
    deadline_seconds: m.deadline_seconds,
    acceptance: m.acceptance,
    status: statusOf(t, index),
  }));
}

/**
 * delivered → awarded on the next milestone, paying the current one's amount: one compare-and-set
 * on (status, current_milestone) and its journal entry. Null when the task was not there (a
 * concurrent confirm, dispute or deadline got it first). Not for the last milestone.
 */
export async function releaseMilestone(
  q: Queryable,
  sys: SystemAccountIds,
  p: { task: TaskRow; now: number; defaultDeliverySeconds: number; overdueReview?: boolean },
): Promise<TaskRow | null> {
  const { task } = p;
  const index = task.current_milestone;
  const amountMsat = BigInt(task.milestones![index]!.amount_sats) * 1000n;
  const res = await q.query<TaskRow>(
    `UPDATE hire_tasks SET status = 'awarded', current_milestone = current_milestone + 1, released_msat = released_msat + $3,
       revisions_used = 0, review_due_at = NULL, delivery_due_at = $4 + $5::bigint, updated_at = $4
     WHERE id = $1 AND status = 'delivered' AND current_milestone = $2 ${p.overdueReview ? 'AND review_due_at <= $4' : ''}
     RETURNING *`,
    [task.id, index, amountMsat, p.now, deliverySecondsOf(task, index + 1, p.defaultDeliverySeconds)],
  );
  const moved = res.rows[0];
  if (!moved) return null;
  const of = task.milestones!.length;
  await releaseEscrowPart(q, sys, { ref: task.id, payeeAccountId: task.contractor_account_id!, amountMsat, memo: `milestone ${index + 1} of ${of}` });
  return moved;
}
