// Who the token is on a task: its buyer, the contractor of one of its quotes, or neither (from /me).
import type { Me, Quote, TaskDetail } from '../../../../contract/hire-views';

export interface HireRole {
  isBuyer: boolean;
  /** the token's quote on this task, if it made one */
  myQuote: Quote | undefined;
}

/** The task's own `role` (sent to the buyer and the accepted contractor) wins; /me covers pending quotes. */
export function hireRole(task: TaskDetail, me: Me | undefined): HireRole {
  const accepted = task.role === 'contractor' ? task.quotes.find((q) => q.id === task.accepted_quote_id) : undefined;
  const isBuyer = task.role === 'buyer' || (me?.tasks.some((t) => t.id === task.id) ?? false);
  const mine = new Set((me?.quotes ?? []).map((q) => q.id));
  const myQuote = accepted ?? task.quotes.find((q) => mine.has(q.id)) ?? me?.quotes.find((q) => q.task_id === task.id);
  return { isBuyer, myQuote };
}
