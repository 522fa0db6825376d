// GET /api/v1/ai-for-hire/events: server-sent events of what concerns the caller's token,
// resumable with Last-Event-ID; PUT|GET|DELETE /webhook: the same events POSTed to a URL. The stream stays open (a comment every 15 s keeps proxies and
// idle timers from closing it) until the client leaves, the server shuts down, or a child token is revoked or expires.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { HireService, LiveEvent } from '../../hire/index.js';
import { WebhookRequestSchema } from '../../../contract/hire.js';
import { requireToken } from '../auth.js';
import { jsonObject } from '../body.js';
import { parseWith } from '../parse-with.js';
import { HIRE_PREFIX } from './hire-input.js';

const HEARTBEAT_MS = 15_000;

type Query = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function filterOf(req: FastifyRequest) {
  const query = (req.query ?? {}) as Query;
  const last = first(req.headers['last-event-id']) ?? first(query.last_event_id);
  if (last !== undefined && !/^\d{1,18}$/.test(last.trim())) throw new AppError('invalid_field_value', 'Last-Event-ID must be an event id.', { field: 'last_event_id' });
  const newTasks = first(query.new_tasks);
  if (newTasks !== undefined && !['true', 'false', '1', '0'].includes(newTasks)) throw new AppError('invalid_field_value', 'new_tasks must be true or false.', { field: 'new_tasks' });
  const match = first(query.match);
  if (match !== undefined && (match.length < 1 || match.length > 200)) throw new AppError('invalid_field_value', 'match must be 1–200 characters.', { field: 'match' });
  return { afterId: last === undefined ? null : BigInt(last.trim()), newTasks: newTasks === 'true' || newTasks === '1', match: match ?? null };
}

export const sseFrame = (e: LiveEvent): string => `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;

export function hireEventRoutes(app: FastifyInstance, hire: HireService): void {
  app.put(`${HIRE_PREFIX}/webhook`, { config: { hireLimit: 'free-post' } }, async (req) => hire.setWebhook(requireToken(req), parseWith(WebhookRequestSchema, jsonObject(req)).url));
  app.get(`${HIRE_PREFIX}/webhook`, async (req) => hire.getWebhook(requireToken(req)));
  app.delete(`${HIRE_PREFIX}/webhook`, async (req) => hire.removeWebhook(requireToken(req)));

  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get(`${HIRE_PREFIX}/events`, async (req, reply) => {
    const token = requireToken(req);
    const filter = filterOf(req);
    const raw = reply.raw;
    const pending: string[] = [];
    let started = false;
    const write = (chunk: string) => (started ? raw.write(chunk) : pending.push(chunk));
    // a child token revoked or expired meanwhile: the stream ends (at once, or once it has started)
    let end: (() => void) | null = null;
    let tokenGone = false;
    const ended = () => (end ? end() : (tokenGone = true));
    // errors before this point are ordinary JSON errors; from here on the answer is a stream
    const unsubscribe = await hire.openLive(token, filter, (e) => write(sseFrame(e)), ended);
    reply.hijack();
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) raw.setHeader(k, v);
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': events of this token\n\n');
    started = true;
    for (const chunk of pending.splice(0)) raw.write(chunk);
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(stop);
      if (!raw.writableEnded) raw.end();
    };
    end = stop;
    open.add(stop);
    raw.on('close', stop);
    if (tokenGone) stop();
  });
}
