// GET /api/v1/usage: a token's history (JSON pages or CSV), per-day totals, and one paid call's
// receipt (a metered stream's charge) at /api/v1/usage/{request_id}.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UNIX_SECONDS_MAX, type CallUsage, type DailyUsage, type UsagePage } from '../../../contract/api.js';
import { AppError } from '../../errors.js';
import { usageByDay, usageCsv, usageHistory, type HistoryDeps } from '../../payments/history.js';
import { callUsage } from '../../payments/usage.js';
import { requireToken } from '../auth.js';
import { readCredentials } from '../credentials.js';

type Query = Record<string, string | undefined>;

/** An optional whole number within bounds, or invalid_field_value naming it. */
function intParam(query: Query, name: string, min: number, max: number): number | null {
  const raw = query[name];
  if (raw === undefined || raw === '') return null;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new AppError('invalid_field_value', `${name} must be a whole number from ${min} to ${max}.`, { field: name });
  }
  return Number(raw);
}

export function usageRoutes(app: FastifyInstance, deps: HistoryDeps & { now: () => number }): void {
  const range = (q: Query) => ({ from: intParam(q, 'from', 0, UNIX_SECONDS_MAX), to: intParam(q, 'to', 0, UNIX_SECONDS_MAX) });

  app.get('/api/v1/usage', async (req: FastifyRequest<{ Querystring: Query }>, reply): Promise<UsagePage | string> => {
    const token = requireToken(req);
    const q = req.query;
    const csv = q.format === 'csv' || (q.format === undefined && /^text\/csv\b/.test(req.headers.accept ?? ''));
    if (q.format !== undefined && q.format !== 'csv' && q.format !== 'json') throw new AppError('invalid_field_value', 'format is json or csv.', { field: 'format' });
    const limit = intParam(q, 'limit', 1, 500);
    // an export asks for no page: all of it, page after page as it is written
    if (csv && limit === null) return reply.type('text/csv; charset=utf-8').send(Readable.from(wholeCsv(token, q)));
    const page = await usageHistory(deps, token, { limit: limit ?? 50, cursor: q.cursor ?? null, ...range(q) });
    if (!csv) return page;
    if (page.next_cursor) reply.header('x-next-cursor', page.next_cursor);
    return reply.type('text/csv; charset=utf-8').send(usageCsv(page.data, q.cursor === undefined));
  });

  /** The history from `cursor` (or the newest row) on, as CSV: the header row once, then each page of 500. */
  async function* wholeCsv(token: string, q: Query): AsyncGenerator<string> {
    let cursor = q.cursor ?? null;
    let first = true;
    do {
      const page = await usageHistory(deps, token, { limit: 500, cursor, ...range(q) });
      yield usageCsv(page.data, first && q.cursor === undefined);
      first = false;
      cursor = page.next_cursor;
    } while (cursor);
  }

  app.get('/api/v1/usage/daily', async (req: FastifyRequest<{ Querystring: Query }>): Promise<DailyUsage> =>
    usageByDay(deps.ledger, requireToken(req), { ...range(req.query), now: deps.now() }),
  );

  app.get<{ Params: { requestId: string } }>('/api/v1/usage/:requestId', async (req): Promise<CallUsage> => callUsage(deps.ledger, readCredentials(req), req.params.requestId));
}
