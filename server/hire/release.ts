// Paying a delivery that was accepted (confirmed, passed its machine check, or left unreviewed
// past its deadline): a milestone before the last is released and the next one starts; the
// last one (or a task without milestones) completes the task. Both are compare-and-sets.
import type { TaskOutcome } from '../../contract/hire-states.js';
import type { HireDeps } from './deps.js';
import { closeEscrow } from './escrow.js';
import { taskEvent } from './events.js';
import { isLastMilestone, releaseMilestone } from './milestones.js';
import type { Queryable } from '../store/index.js';
import type { TaskRow } from './tasks-store.js';

/** `task` as read in this transaction; null when it was no longer delivered (another step won). */
export async function releaseDelivery(
  deps: HireDeps,
  q: Queryable,
  p: { task: TaskRow; outcome: TaskOutcome; now: number; overdueReview?: boolean },
): Promise<TaskRow | null> {
  const { sys } = deps.ledger;
  if (!isLastMilestone(p.task)) {
    const next = await releaseMilestone(q, sys, { task: p.task, now: p.now, defaultDeliverySeconds: deps.rules.deliverySeconds, overdueReview: p.overdueReview });
    const index = p.task.current_milestone;
    if (next) await taskEvent(q, next, 'milestone.released', p.now, { milestone: index, amount_sats: p.task.milestones![index]!.amount_sats, outcome: p.outcome });
    return next;
  }
  const closed = await closeEscrow(q, sys, {
    taskId: p.task.id,
    from: ['delivered'],
    status: 'completed',
    outcome: p.outcome,
    contractorMsat: null,
    now: p.now,
    ...(p.overdueReview ? { overdue: 'review' as const } : {}),
  });
  if (closed) await taskEvent(q, closed, 'task.completed', p.now, { outcome: p.outcome });
  return closed;
}
