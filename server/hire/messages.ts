// The private thread of a quote: only the task's buyer and that quote's contractor read or
// write it. Reading marks what the other side wrote as read (GET /me counts the rest).
import type { Message, MessageList } from '../../contract/hire-views.js';
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import { forbidden, notFound } from './errors.js';
import { insertMessage, markRead, threadOf } from './messages-store.js';
import { insertEvent } from './events-store.js';
import { findQuote } from './quotes-store.js';
import { inTx } from './tx.js';
import { findTask } from './tasks-store.js';
import { messageView } from './views.js';

const PAGE = 500;

async function threadAccess(deps: HireDeps, token: string, ids: { taskId: string; quoteId: string }) {
  const db = deps.db;
  const account = await accountOf(db, token, deps.now());
  const task = await findTask(db, ids.taskId);
  if (!task) throw notFound('No task has this id.');
  const quote = await findQuote(db, ids.taskId, ids.quoteId);
  if (!quote) throw notFound('No quote has this id on this task.');
  if (account.id !== task.buyer_account_id && account.id !== quote.contractor_account_id) {
    throw forbidden('Only the task’s buyer and this quote’s contractor can use its messages.');
  }
  return { accountId: account.id, buyerAccountId: task.buyer_account_id, contractorAccountId: quote.contractor_account_id };
}

export async function postMessage(deps: HireDeps, token: string, ids: { taskId: string; quoteId: string }, body: string): Promise<Message> {
  const access = await threadAccess(deps, token, ids);
  const row = await inTx(deps.db, async (q) => {
    const now = deps.now();
    const inserted = await insertMessage(q, { quoteId: ids.quoteId, senderAccountId: access.accountId, kind: 'message', body, now });
    const sender = access.accountId === access.buyerAccountId ? 'buyer' : 'contractor';
    const data = { task_id: ids.taskId, quote_id: ids.quoteId, message_id: Number(inserted.id), sender };
    await insertEvent(q, { name: 'message.created', taskId: ids.taskId, audience: [access.buyerAccountId, access.contractorAccountId], data, now });
    return inserted;
  });
  return messageView(row, access.buyerAccountId);
}

/** Up to 500 messages after `afterId` (0: from the start), oldest first. */
export async function listMessages(
  deps: HireDeps,
  token: string,
  ids: { taskId: string; quoteId: string },
  afterId: bigint,
): Promise<MessageList> {
  const access = await threadAccess(deps, token, ids);
  const db = deps.db;
  const rows = await threadOf(db, ids.quoteId, { afterId, limit: PAGE });
  const last = rows.at(-1);
  if (last) await markRead(db, { quoteId: ids.quoteId, readerAccountId: access.accountId, maxId: last.id, now: deps.now() });
  return {
    messages: rows.map((r) => messageView(r, access.buyerAccountId)),
    next_after_id: rows.length === PAGE && last ? Number(last.id) : null,
  };
}
