// SQL for per-token webhooks and their outbox (hire_webhook_deliveries, written beside each event
// in events-store.ts). A delivery is claimed by moving its next attempt into the future (a
// lease), so instances never send the same attempt twice at once.
import type { Queryable } from '../store/index.js';

export interface WebhookRow {
  account_id: bigint;
  url: string;
  secret: string;
  created_at: bigint;
}

export interface DueDelivery {
  event_id: bigint;
  account_id: bigint;
  attempts: number;
  url: string;
  secret: string;
  name: string;
  task_id: string | null;
  data: Record<string, unknown>;
  created_at: bigint;
}

export async function upsertWebhook(q: Queryable, w: { accountId: bigint; url: string; secret: string; now: number }): Promise<WebhookRow> {
  const res = await q.query<WebhookRow>(
    `INSERT INTO hire_webhooks (account_id, url, secret, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, created_at = EXCLUDED.created_at RETURNING *`,
    [w.accountId, w.url, w.secret, w.now],
  );
  return res.rows[0]!;
}

export async function findWebhook(q: Queryable, accountId: bigint): Promise<WebhookRow | null> {
  const res = await q.query<WebhookRow>(`SELECT * FROM hire_webhooks WHERE account_id = $1`, [accountId]);
  return res.rows[0] ?? null;
}

/** Removes the webhook; what was still to be sent is given up. */
export async function deleteWebhook(q: Queryable, accountId: bigint): Promise<boolean> {
  await q.query(`UPDATE hire_webhook_deliveries SET state = 'failed', last_error = 'webhook removed' WHERE account_id = $1 AND state = 'pending'`, [accountId]);
  const res = await q.query(`DELETE FROM hire_webhooks WHERE account_id = $1`, [accountId]);
  return res.rowCount > 0;
}

/** Up to `limit` deliveries due at `now`, leased until `leaseUntil`, with their event and webhook. */
export async function claimDue(q: Queryable, p: { now: number; leaseUntil: number; limit: number }): Promise<DueDelivery[]> {
  const res = await q.query<DueDelivery>(
    `WITH due AS (
       SELECT event_id, account_id FROM hire_webhook_deliveries
       WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED),
     claimed AS (
       UPDATE hire_webhook_deliveries d SET next_attempt_at = $2, attempts = d.attempts + 1
       FROM due WHERE d.event_id = due.event_id AND d.account_id = due.account_id RETURNING d.*)
     SELECT c.event_id, c.account_id, c.attempts, w.url, w.secret, e.name, e.task_id::text AS task_id, e.data, e.created_at
     FROM claimed c JOIN hire_webhooks w ON w.account_id = c.account_id JOIN hire_events e ON e.id = c.event_id
     ORDER BY c.event_id`,
    [p.now, p.leaseUntil, p.limit],
  );
  return res.rows;
}

export async function markDelivered(q: Queryable, d: { eventId: bigint; accountId: bigint }): Promise<void> {
  await q.query(`UPDATE hire_webhook_deliveries SET state = 'delivered', last_error = NULL WHERE event_id = $1 AND account_id = $2 AND state = 'pending'`, [d.eventId, d.accountId]);
}

/** A failed attempt: retried at `retryAt`, or given up (`retryAt` null). */
export async function markAttemptFailed(q: Queryable, d: { eventId: bigint; accountId: bigint; error: string; retryAt: number | null }): Promise<void> {
  await q.query(
    `UPDATE hire_webhook_deliveries SET last_error = $3, state = CASE WHEN $4::bigint IS NULL THEN 'failed' ELSE 'pending' END,
       next_attempt_at = COALESCE($4::bigint, next_attempt_at)
     WHERE event_id = $1 AND account_id = $2 AND state = 'pending'`,
    [d.eventId, d.accountId, d.error.slice(0, 500), d.retryAt],
  );
}
