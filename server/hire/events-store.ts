// SQL for events and their webhook outbox. An event is inserted in the caller's transaction, so
// it exists exactly when the state change it reports committed.
import { usableAccountIds } from '../ledger/index.js';
import type { Queryable } from '../store/index.js';

export interface EventRow {
  id: bigint;
  name: string;
  task_id: string | null;
  /** account ids, as text (bigint arrays are read back the same way on both stores) */
  audience: string[];
  public: boolean;
  data: Record<string, unknown>;
  created_at: bigint;
}

export interface NewEvent {
  name: string;
  taskId: string | null;
  audience: readonly bigint[];
  public?: boolean;
  data: Record<string, unknown>;
  now: number;
}

const COLUMNS = `id, name, task_id::text AS task_id, audience::text[] AS audience, public, data, created_at`;

export async function insertEvent(q: Queryable, e: NewEvent): Promise<bigint> {
  const audience = [...new Set(e.audience.map(String))];
  const res = await q.query<{ id: bigint }>(
    `INSERT INTO hire_events (name, task_id, audience, public, data, created_at) VALUES ($1, $2, $3::bigint[], $4, $5::jsonb, $6) RETURNING id`,
    [e.name, e.taskId, audience, e.public ?? false, JSON.stringify(e.data), e.now],
  );
  const id = res.rows[0]!.id;
  // the outbox: one delivery per concerned account that has a webhook and a token still valid
  const hooked = audience.length === 0 ? [] : (await q.query<{ account_id: bigint }>(`SELECT account_id FROM hire_webhooks WHERE account_id = ANY($1::bigint[])`, [audience])).rows;
  const usable = await usableAccountIds(q, hooked.map((h) => BigInt(h.account_id)), e.now);
  if (usable.size > 0) {
    await q.query(`INSERT INTO hire_webhook_deliveries (event_id, account_id, next_attempt_at) SELECT $1, unnest($2::bigint[]), $3`, [id, [...usable].map(String), e.now]);
  }
  return id;
}

/** Every event after `afterId` (all audiences), oldest first: the instance-wide poll. */
export async function eventsAfter(q: Queryable, afterId: bigint, limit: number): Promise<EventRow[]> {
  const res = await q.query<EventRow>(`SELECT ${COLUMNS} FROM hire_events WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
  return res.rows;
}

/** One account's events after `afterId` (a reconnect's replay), with public ones if asked. */
export async function eventsFor(q: Queryable, p: { accountId: bigint; afterId: bigint; withPublic: boolean; limit: number }): Promise<EventRow[]> {
  const res = await q.query<EventRow>(
    `SELECT ${COLUMNS} FROM hire_events WHERE id > $2 AND ($1 = ANY(audience) OR ($3 AND public)) ORDER BY id LIMIT $4`,
    [p.accountId, p.afterId, p.withPublic, p.limit],
  );
  return res.rows;
}

export async function lastEventId(q: Queryable): Promise<bigint> {
  const res = await q.query<{ id: bigint | null }>(`SELECT max(id) AS id FROM hire_events`);
  return res.rows[0]?.id ?? 0n;
}

/** Events older than `before` (Unix seconds) and their finished deliveries go. */
export async function pruneEvents(q: Queryable, before: number): Promise<number> {
  const res = await q.query(
    `DELETE FROM hire_events e WHERE created_at < $1
       AND NOT EXISTS (SELECT 1 FROM hire_webhook_deliveries d WHERE d.event_id = e.id AND d.state = 'pending')`,
    [before],
  );
  return res.rowCount;
}
