// Read-only views: the public task list and task page, and the caller's own activity (GET /me).
import type { Me, MyQuote, TaskDetail, TaskList, TaskSummary } from '../../contract/hire-views.js';
import { msatToSats } from '../../contract/money.js';
import type { Queryable } from '../store/index.js';
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import { notFound } from './errors.js';
import { latestOfKind, markMessageRead, unreadThreads } from './messages-store.js';
import { quoteCounts, quotesOfContractor, quotesOfTask, type QuoteRow } from './quotes-store.js';
import { hasRated } from './profiles-store.js';
import { findTask, listTasks as selectTasks, tasksByIds, tasksOfAccount, type TaskRow, type TaskStatus } from './tasks-store.js';
import { participantExtras, quoteView, roleOf, taskView } from './views.js';

const ME_LIMIT = 200;

async function withCounts(q: Queryable, rows: TaskRow[], maxRevisions: number): Promise<TaskSummary[]> {
  const counts = await quoteCounts(q, rows.map((r) => r.id));
  return rows.map((r) => taskView(r, maxRevisions, { quote_count: counts.get(r.id) ?? 0 }));
}

export async function listTasks(
  deps: HireDeps,
  p: { status: TaskStatus | null; limit: number; offset: number },
): Promise<TaskList> {
  const db = deps.db;
  // one row more than asked tells whether another page exists
  const rows = await selectTasks(db, { ...p, limit: p.limit + 1 });
  const page = rows.slice(0, p.limit);
  return { tasks: await withCounts(db, page, deps.rules.maxRevisions), next_offset: rows.length > p.limit ? p.offset + p.limit : null };
}

/** The task with its quotes; the buyer and the accepted contractor also see the delivery. */
export async function getTask(deps: HireDeps, taskId: string, token: string | null): Promise<TaskDetail> {
  const db = deps.db;
  const task = await findTask(db, taskId);
  if (!task) throw notFound('No task has this id.');
  const quotes = (await quotesOfTask(db, taskId)).map(quoteView);
  const reader = token === null ? null : (await accountOf(db, token, deps.now())).id;
  const role = reader === null ? null : roleOf(task, reader);
  const delivery = role !== null && task.accepted_quote_id ? await latestOfKind(db, task.accepted_quote_id, 'delivery') : null;
  // The buyer reads the delivery here, on the task page: it no longer counts as unread in GET /me.
  if (delivery && reader !== null && delivery.read_at === null && delivery.sender_account_id !== reader) {
    await markMessageRead(db, { messageId: delivery.id, readerAccountId: reader, now: deps.now() });
  }
  const extras = role === null || reader === null ? {} : participantExtras(task, role, delivery, await hasRated(db, taskId, reader));
  return taskView(task, deps.rules.maxRevisions, { quote_count: quotes.length, quotes, ...extras });
}

/** A quote of the caller's, with its task (every quote has one: a foreign key, and tasks are never deleted). */
const myQuote = (quote: QuoteRow, task: TaskRow): MyQuote => ({ ...quoteView(quote), task_title: task.title, task_status: task.status });

export async function me(deps: HireDeps, token: string): Promise<Me> {
  const db = deps.db;
  let account = await accountOf(db, token, deps.now());
  if (await deps.reserveAhead?.giveBackFor(account.id)) account = await accountOf(db, token, deps.now());
  const tasks = await withCounts(db, await tasksOfAccount(db, account.id, ME_LIMIT), deps.rules.maxRevisions);
  const quotes = await quotesOfContractor(db, account.id, ME_LIMIT);
  const quotedTasks = await tasksByIds(db, [...new Set(quotes.map((q) => q.task_id))]);
  const unread = (await unreadThreads(db, account.id)).map((u) => ({ task_id: u.task_id, quote_id: u.quote_id, unread: Number(u.unread) }));
  return {
    balance_sats: msatToSats(account.balanceMsat),
    balance_msat: Number(account.balanceMsat),
    tasks,
    quotes: quotes.map((q) => myQuote(q, quotedTasks.get(q.task_id)!)),
    unread_messages: unread.reduce((s, u) => s + u.unread, 0),
    unread_threads: unread,
  };
}
