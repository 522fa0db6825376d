// The board's list kept true by live events: tasks fetched after an event replace the listed
// copy, a new open task goes on top, and a task whose status no longer fits the filter leaves.
import type { TaskSummary } from '../../../contract/hire-views';

export interface LiveTask {
  task: TaskSummary;
  /** announced as new (task.created): may go on top even though the loaded pages lack it */
  announced: boolean;
}

export function boardTasks(loaded: readonly TaskSummary[], live: ReadonlyMap<string, LiveTask>, status: string): TaskSummary[] {
  const listed = new Set(loaded.map((t) => t.id));
  const added = [...live.values()]
    .filter((l) => l.announced && !listed.has(l.task.id))
    .map((l) => l.task)
    .sort((a, b) => b.created_at - a.created_at);
  return [...added, ...loaded.map((t) => live.get(t.id)?.task ?? t)].filter((t) => !status || t.status === status);
}

/** events that leave every field of a task summary as it was (a message, a quote's price, a payout) */
const SUMMARY_UNCHANGED = new Set(['message.created', 'quote.updated', 'quote.declined', 'payout.completed', 'payout.failed']);

/** Whether an event may change what the board shows of its task: only then is the task fetched again. */
export const summaryMayChange = (event: string): boolean => !SUMMARY_UNCHANGED.has(event);
