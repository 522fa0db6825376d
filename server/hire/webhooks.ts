// Per-token webhooks: every event that concerns a token is POSTed to its URL as JSON, signed
// with the token's webhook secret (X-Abl-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">), and retried with exponential backoff until a 2xx answer or MAX_ATTEMPTS. The
// outbox row is written with the event, so a committed change is never left unannounced.
import { createHmac, randomBytes } from 'node:crypto';
import { usableAccountIds } from '../ledger/index.js';
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import { invalidField, notFound } from './errors.js';
import { claimDue, deleteWebhook, findWebhook, markAttemptFailed, markDelivered, upsertWebhook, type WebhookRow } from './webhooks-store.js';

export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_SECONDS = 30;
const MAX_RETRY_SECONDS = 6 * 3600;
/** a claimed attempt is someone else's to retry only after this (a crashed sender) */
const LEASE_SECONDS = 60;
const BATCH = 50;

/** Sends one webhook POST; resolves with the HTTP status, rejects on a network error or timeout. */
export type WebhookSender = (url: string, body: string, headers: Record<string, string>) => Promise<number>;

export const retryDelaySeconds = (attempts: number): number => Math.min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS);

export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const view = (w: WebhookRow, secret?: string) => ({ url: w.url, created_at: Number(w.created_at), ...(secret ? { secret } : {}) });

function webhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidField('url', 'url must be an absolute http(s) URL.');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || raw.length > 2000) throw invalidField('url', 'url must be an http(s) URL of at most 2,000 characters.');
  if (url.username || url.password) throw invalidField('url', 'url must not carry credentials.');
  return url.toString();
}

/** Sets (or replaces) the token's webhook; the answer shows its new signing secret, once. */
export async function setWebhook(deps: HireDeps, token: string, rawUrl: string) {
  const account = await accountOf(deps.db, token, deps.now());
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  const row = await upsertWebhook(deps.db, { accountId: account.id, url: webhookUrl(rawUrl), secret, now: deps.now() });
  return view(row, secret);
}

export async function getWebhook(deps: HireDeps, token: string) {
  const account = await accountOf(deps.db, token, deps.now());
  const row = await findWebhook(deps.db, account.id);
  if (!row) throw notFound('This token has no webhook.');
  return view(row);
}

export async function removeWebhook(deps: HireDeps, token: string) {
  const account = await accountOf(deps.db, token, deps.now());
  if (!(await deleteWebhook(deps.db, account.id))) throw notFound('This token has no webhook.');
  return { deleted: true };
}

/** One pass of the outbox: every due delivery is tried once. Idempotent on any number of instances. */
export async function deliverWebhooks(deps: HireDeps, send: WebhookSender): Promise<{ delivered: number; retrying: number; failed: number }> {
  const counts = { delivered: 0, retrying: 0, failed: 0 };
  const now = deps.now();
  const due = await claimDue(deps.db, { now, leaseUntil: now + LEASE_SECONDS, limit: BATCH });
  // a token revoked or expired since its delivery was queued hears nothing more: given up, not sent
  const usable = await usableAccountIds(deps.db, [...new Set(due.map((d) => d.account_id))], now);
  await Promise.all(
    due.map(async (d) => {
      const ids = { eventId: d.event_id, accountId: d.account_id };
      if (!usable.has(d.account_id)) {
        await markAttemptFailed(deps.db, { ...ids, error: 'the token was revoked or has expired', retryAt: null });
        counts.failed++;
        return;
      }
      const body = JSON.stringify({ id: String(d.event_id), event: d.name, created_at: Number(d.created_at), data: d.data });
      const headers = { 'content-type': 'application/json', 'x-abl-event': d.name, 'x-abl-event-id': String(d.event_id), 'x-abl-signature': signWebhookBody(d.secret, now, body) };
      let error: string | null;
      try {
        const status = await send(d.url, body, headers);
        error = status >= 200 && status < 300 ? null : `answered ${status}`;
      } catch (err) {
        error = (err as Error)?.message ?? String(err);
      }
      if (error === null) {
        await markDelivered(deps.db, ids);
        counts.delivered++;
        return;
      }
      const giveUp = d.attempts >= MAX_ATTEMPTS;
      await markAttemptFailed(deps.db, { ...ids, error, retryAt: giveUp ? null : deps.now() + retryDelaySeconds(d.attempts) });
      if (giveUp) counts.failed++;
      else counts.retrying++;
    }),
  );
  return counts;
}
