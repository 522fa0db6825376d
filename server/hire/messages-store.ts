// SQL for the private thread of each quote (buyer ↔ that quote's contractor). Deliveries,
// revision requests and disputes are posted in the accepted quote's thread too.
import type { MessageKind } from '../../contract/hire-states.js';
import type { Queryable } from '../store/index.js';

export interface MessageRow {
  id: bigint;
  quote_id: string;
  sender_account_id: bigint;
  kind: MessageKind;
  body: string;
  created_at: bigint;
  read_at: bigint | null;
}

export async function insertMessage(
  q: Queryable,
  p: { quoteId: string; senderAccountId: bigint; kind: MessageKind; body: string; now: number },
): Promise<MessageRow> {
  const res = await q.query<MessageRow>(
    `INSERT INTO hire_messages (quote_id, sender_account_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [p.quoteId, p.senderAccountId, p.kind, p.body, p.now],
  );
  return res.rows[0]!;
}

export async function threadOf(q: Queryable, quoteId: string, p: { afterId: bigint; limit: number }): Promise<MessageRow[]> {
  const res = await q.query<MessageRow>(`SELECT * FROM hire_messages WHERE quote_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [
    quoteId,
    p.afterId,
    p.limit,
  ]);
  return res.rows;
}

/** The reader has seen this one message of the other side's (a delivery shown on the task page). */
export async function markMessageRead(q: Queryable, p: { messageId: bigint; readerAccountId: bigint; now: number }): Promise<void> {
  await q.query(`UPDATE hire_messages SET read_at = $3 WHERE id = $1 AND sender_account_id <> $2 AND read_at IS NULL`, [p.messageId, p.readerAccountId, p.now]);
}

/** The reader has seen everything the other side wrote in this thread up to maxId. */
export async function markRead(q: Queryable, p: { quoteId: string; readerAccountId: bigint; maxId: bigint; now: number }): Promise<void> {
  await q.query(
    `UPDATE hire_messages SET read_at = $4 WHERE quote_id = $1 AND sender_account_id <> $2 AND id <= $3 AND read_at IS NULL`,
    [p.quoteId, p.readerAccountId, p.maxId, p.now],
  );
}

export async function latestOfKind(q: Queryable, quoteId: string, kind: MessageKind): Promise<MessageRow | null> {
  const res = await q.query<MessageRow>(`SELECT * FROM hire_messages WHERE quote_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1`, [quoteId, kind]);
  return res.rows[0] ?? null;
}

export interface UnreadThread {
  task_id: string;
  quote_id: string;
  unread: bigint;
}

/** Threads where the other side wrote something this account has not read yet. */
export async function unreadThreads(q: Queryable, accountId: bigint): Promise<UnreadThread[]> {
  const res = await q.query<UnreadThread>(
    `SELECT qu.task_id, m.quote_id, count(*) AS unread
     FROM hire_messages m
     JOIN hire_quotes qu ON qu.id = m.quote_id
     JOIN hire_tasks t ON t.id = qu.task_id
     WHERE m.read_at IS NULL AND m.sender_account_id <> $1
       AND (qu.contractor_account_id = $1 OR t.buyer_account_id = $1)
     GROUP BY qu.task_id, m.quote_id ORDER BY max(m.id) DESC LIMIT 200`,
    [accountId],
  );
  return res.rows;
}
