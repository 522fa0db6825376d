// The marketplace's clock: open tasks expire, undelivered work is refunded, unreviewed
// deliveries (the current milestone) are released. Every change is a compare-and-set guarded by the deadline, so the
// sweep is idempotent and any number of instances may run it at once.
import type { HireDeps } from './deps.js';
import { closeEscrow } from './escrow.js';
import { declinePendingQuotes } from './quotes-store.js';
import { releaseDelivery } from './release.js';
import { expireOpenTasks, findTask, overdueTaskIds, tasksByIds } from './tasks-store.js';
import { quotesDeclinedEvents, taskEvent, taskLeftOpenEvent } from './events.js';
import { pruneEvents } from './events-store.js';
import { inTx } from './tx.js';

const BATCH = 200;
const EVENT_RETENTION_SECONDS = 2 * 86_400;

export interface SweepResult {
  expired: number;
  refunded: number;
  released: number;
}

export async function sweepDeadlines(deps: HireDeps): Promise<SweepResult> {
  const { db } = deps;
  const { sys } = deps.ledger;
  const now = deps.now();
  const expired = await inTx(db, async (q) => {
    const ids = await expireOpenTasks(q, now, BATCH);
    const declined = await declinePendingQuotes(q, ids, now);
    for (const row of (await tasksByIds(q, ids)).values()) {
      await taskEvent(q, row, 'task.expired', now);
      await taskLeftOpenEvent(q, row, now);
    }
    await quotesDeclinedEvents(q, declined, 'task_expired', now);
    return ids.length;
  });

  let refunded = 0;
  for (const taskId of await overdueTaskIds(db, 'delivery', now, BATCH)) {
    const closed = await inTx(db, async (q) => {
      const row = await closeEscrow(q, sys, { taskId, from: ['awarded', 'revision_requested'], status: 'refunded', outcome: 'delivery_deadline', contractorMsat: 0n, now, overdue: 'delivery' });
      if (row) await taskEvent(q, row, 'task.refunded', now, { outcome: 'delivery_deadline' });
      return row;
    });
    if (closed) refunded++;
  }

  let released = 0;
  for (const taskId of await overdueTaskIds(db, 'review', now, BATCH)) {
    const done = await inTx(db, async (q) => {
      const task = await findTask(q, taskId);
      return task && releaseDelivery(deps, q, { task, outcome: 'review_deadline', now, overdueReview: true });
    });
    if (done) released++;
  }
  // events stay at least 24 hours for reconnects (Last-Event-ID); two days, then they go
  await pruneEvents(db, now - EVENT_RETENTION_SECONDS);
  return { expired, refunded, released };
}
