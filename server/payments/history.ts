// A token's usage history (GET /api/v1/usage): its rows newest first with the balance after
// each, paged by an opaque cursor; per-day totals; the same rows as CSV for a spreadsheet.
import type { DailyUsage, UsagePage, UsageRow } from '../../contract/api.js';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, invalidToken } from '../errors.js';
import { hashToken, type HistoryRow, type Ledger } from '../ledger/index.js';
import type { ReserveAhead } from './reserve-ahead.js';

export interface HistoryQuery {
  limit: number;
  cursor: string | null;
  /** Unix seconds, inclusive */
  from: number | null;
  /** Unix seconds, inclusive */
  to: number | null;
}

const badCursor = (): AppError => new AppError('invalid_field_value', 'This cursor is not one a usage page answered.', { field: 'cursor' });

type Cursor = { journalId: bigint; balanceAfterMsat: bigint };

// "<journal id>.<balance after, msat>.<tag>", base64url: the next page picks up where this one
// ended. The tag (an HMAC of the account and both figures) keeps the balance the page starts from
// one this server computed for this account: another token's cursor, or an edited one, is refused.
const cursorTag = (key: Buffer, accountId: bigint, c: Cursor): string =>
  createHmac('sha256', key).update(`${accountId}.${c.journalId}.${c.balanceAfterMsat}`).digest('base64url').slice(0, 22);
const encodeCursor = (key: Buffer, accountId: bigint, c: Cursor): string =>
  Buffer.from(`${c.journalId}.${c.balanceAfterMsat}.${cursorTag(key, accountId, c)}`).toString('base64url');
function decodeCursor(key: Buffer, accountId: bigint, cursor: string): Cursor {
  const m = /^(\d{1,19})\.(\d{1,22})\.([A-Za-z0-9_-]{22})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badCursor();
  const c = { journalId: BigInt(m[1]!), balanceAfterMsat: BigInt(m[2]!) };
  const expected = Buffer.from(cursorTag(key, accountId, c));
  if (!timingSafeEqual(expected, Buffer.from(m[3]!))) throw badCursor();
  return c;
}

async function accountOf(ledger: Ledger, token: string): Promise<{ id: bigint; balanceMsat: bigint }> {
  const account = await ledger.accountByToken(hashToken(token));
  if (!account) throw invalidToken(await ledger.tokenRefusal(hashToken(token)));
  return account;
}

/**
 * The first page waits for this instance's settlements of the account (a call answered is shown
 * settled), and with reserveAhead the holds taken ahead and unused go back first, so they are not
 * shown as calls in flight.
 */
export interface HistoryDeps {
  ledger: Ledger;
  /** signs the page cursors (derived from the root key: the same on every instance) */
  cursorKey: Buffer;
  reserveAhead?: Pick<ReserveAhead, 'giveBackFor'>;
}

export async function usageHistory(deps: HistoryDeps, token: string, query: HistoryQuery): Promise<UsagePage> {
  const { ledger, reserveAhead } = deps;
  const account = await accountOf(ledger, token);
  // giving back waits for the settlements too
  if (query.cursor === null) await (reserveAhead ? reserveAhead.giveBackFor(account.id) : ledger.settledFor(account.id));
  const page = await ledger.history({
    accountId: account.id,
    limit: query.limit,
    cursor: query.cursor === null ? null : decodeCursor(deps.cursorKey, account.id, query.cursor),
    from: query.from === null ? null : new Date(query.from * 1000),
    to: query.to === null ? null : new Date(query.to * 1000 + 999),
  });
  return { data: page.rows.map(usageRow), next_cursor: page.next ? encodeCursor(deps.cursorKey, account.id, page.next) : null };
}

function usageRow(r: HistoryRow): UsageRow {
  const row: UsageRow = { kind: r.kind, created_at: r.createdAt, amount_msat: Number(r.amountMsat), balance_after_msat: Number(r.balanceAfterMsat), ref: r.ref };
  if (!r.call) return row;
  return { ...row, request_id: r.call.requestId, api: r.call.api, endpoint: r.call.endpoint, model: r.call.model, charged_msat: Number(r.call.chargedMsat), status: r.call.status };
}

const DAY = 86_400;

/** Spent and credited per UTC day between `from` and `to` (Unix seconds; default the last 30 days). */
export async function usageByDay(ledger: Ledger, token: string, range: { from: number | null; to: number | null; now: number }): Promise<DailyUsage> {
  const account = await accountOf(ledger, token);
  await ledger.settledFor(account.id);
  const to = range.to ?? range.now;
  const from = range.from ?? to - 30 * DAY;
  if (from > to) throw new AppError('invalid_field_value', '`from` is after `to`.', { field: 'from' });
  const days = await ledger.dailyTotals({ accountId: account.id, from, to });
  return {
    days: days.map((d) => ({
      date: d.date,
      spent_msat: Number(d.spentMsat),
      credited_msat: Number(d.creditedMsat),
      by_api: Object.fromEntries(Object.entries(d.byApi).map(([api, msat]) => [api, Number(msat)])),
    })),
  };
}

const CSV_COLUMNS = ['created_at', 'kind', 'amount_msat', 'balance_after_msat', 'request_id', 'api', 'endpoint', 'model', 'charged_msat', 'status', 'ref'] as const;

/** Rows as CSV (RFC 4180), a header first; times as ISO 8601 UTC. */
export function usageCsv(rows: UsageRow[], header: boolean): string {
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = rows.map((r) => CSV_COLUMNS.map((c) => cell(c === 'created_at' ? new Date(r.created_at * 1000).toISOString() : r[c])).join(','));
  return (header ? [CSV_COLUMNS.join(','), ...lines] : lines).map((l) => `${l}\r\n`).join('');
}
