// Escrow as ledger moves: accept puts the price into `escrow`; closing a task takes it out
// once, to the contractor, back to the buyer, or split. Each close is a compare-and-set on the
// task's status in the caller's transaction, followed by its journal entry.
import type { TaskOutcome } from '../../contract/hire-states.js';
import { postJournal, spendDayOf, sweepRevoked, type SystemAccountIds } from '../ledger/index.js';
import type { Queryable } from '../store/index.js';
import type { TaskRow, TaskStatus } from './tasks-store.js';

/** `now`: the escrow is spending, counted on this day against a child token's daily cap. */
export async function holdEscrow(q: Queryable, sys: SystemAccountIds, p: { taskId: string; buyerAccountId: bigint; amountMsat: bigint; now: number }): Promise<void> {
  await postJournal(q, {
    kind: 'hire_escrow',
    ref: p.taskId,
    spendDay: spendDayOf(p.now),
    lines: [
      { accountId: p.buyerAccountId, amountMsat: -p.amountMsat },
      { accountId: sys.escrow, amountMsat: p.amountMsat },
    ],
  });
}

export type ClosedStatus = 'completed' | 'refunded' | 'split';

export interface CloseEscrow {
  taskId: string;
  from: readonly TaskStatus[];
  status: ClosedStatus;
  outcome: TaskOutcome;
  /** null: all of it to the contractor; 0: all back to the buyer */
  contractorMsat: bigint | null;
  now: number;
  /** the sweep only acts on a deadline that has passed */
  overdue?: 'delivery' | 'review';
}

const JOURNAL_KIND: Record<ClosedStatus, string> = { completed: 'hire_release', refunded: 'hire_refund', split: 'hire_split' };

const OVERDUE: Record<NonNullable<CloseEscrow['overdue']>, string> = {
  delivery: 'AND delivery_due_at <= $5',
  review: 'AND review_due_at <= $5',
};

/**
 * Closes the task and pays out what its escrow still holds (milestones already released stay
 * paid) exactly once; null when the task was not in `from`. contractorMsat is a share of what
 * remains; the task's contractor_paid_msat counts the released milestones too. A side whose child
 * token was revoked is paid through its parent.
 */
export async function closeEscrow(q: Queryable, sys: SystemAccountIds, p: CloseEscrow): Promise<TaskRow | null> {
  const left = '(escrow_msat - released_msat)';
  const paid = `LEAST(COALESCE($6::bigint, ${left}), ${left})`;
  const res = await q.query<TaskRow>(
    `UPDATE hire_tasks SET status = $3, outcome = $4, updated_at = $5, delivery_due_at = NULL, review_due_at = NULL,
       contractor_paid_msat = released_msat + ${paid}, buyer_refunded_msat = ${left} - ${paid}
     WHERE id = $1 AND status = ANY($2::text[]) ${p.overdue ? OVERDUE[p.overdue] : ''}
     RETURNING *`,
    [p.taskId, [...p.from], p.status, p.outcome, p.now, p.contractorMsat],
  );
  const task = res.rows[0];
  if (!task) return null;
  await postJournal(q, {
    kind: JOURNAL_KIND[p.status],
    ref: task.id,
    memo: p.outcome,
    lines: [
      { accountId: sys.escrow, amountMsat: -(task.escrow_msat! - task.released_msat) },
      { accountId: task.contractor_account_id!, amountMsat: task.contractor_paid_msat! - task.released_msat },
      { accountId: task.buyer_account_id, amountMsat: task.buyer_refunded_msat! },
    ],
  });
  await sweepRevoked(q, [task.contractor_account_id!, task.buyer_account_id]);
  return task;
}
