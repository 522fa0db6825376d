// Who the token is on a task: its buyer, the contractor of one of its quotes, or neither (from /me).
import type { Me, Quote, Task } from '../../api/types';
import { sameId } from '../../lib/format';

export interface HireRole {
  isBuyer: boolean;
  /** the token's quote on this task, if it made one */
  myQuote: Quote | undefined;
}

/** The task's own `role` (sent to the buyer and the accepted contractor) wins; /me covers pending quotes. */
export function hireRole(task: Task, me: Me | undefined): HireRole {
  const quotes = task.quotes ?? [];
  const accepted = task.role === 'contractor' ? quotes.find((q) => sameId(q.id, task.accepted_quote_id ?? undefined)) : undefined;
  const isBuyer = task.role === 'buyer' || (me?.tasks.some((t) => sameId(t.id, task.id)) ?? false);
  const mine = new Set((me?.quotes ?? []).map((q) => String(q.id)));
  const myQuote = accepted ?? quotes.find((q) => mine.has(String(q.id))) ?? me?.quotes.find((q) => sameId(q.task_id, task.id));
  return { isBuyer, myQuote };
}
