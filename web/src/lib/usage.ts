// The usage history's rows in words and figures: signed amounts to the msat, what each kind
// means, whether the rows add up (each balance after minus its change is the row below's), and
// the date range as Unix seconds. Pure, so it is tested.
import type { UsagePage, UsageRow } from '../../../contract/api';

const DAY = 86_400;

const KIND_LABELS: Record<UsageRow['kind'], string> = {
  call: 'API call',
  topup: 'Top-up',
  hire_fee: 'AI for Hire fee',
  escrow: 'Escrow',
  escrow_release: 'Escrow released',
  escrow_refund: 'Escrow refunded',
  payout: 'Payout',
  payout_refund: 'Payout refunded',
  child_token: 'Child token',
  adjustment: 'Adjustment',
  carried_forward: 'Earlier history (archived)',
  other: 'Other',
};

export function kindLabel(kind: UsageRow['kind']): string {
  return KIND_LABELS[kind] ?? kind;
}

/** "POST /api/v1/openai/v1/chat/completions" → "/v1/chat/completions" under its API; the rest as it came. */
export function shortEndpoint(endpoint: string | null | undefined, api: string | null | undefined): string | null {
  if (!endpoint) return null;
  const m = /^(\S+) \/api\/v1\/([^/]+)(\/.*)$/.exec(endpoint);
  if (!m) return endpoint;
  return m[2] === api ? `${m[1]} ${m[3]}` : endpoint;
}

/** A call row's state in words, null for other kinds. */
export function callStatusText(row: UsageRow): string | null {
  if (row.kind !== 'call' || !row.status) return null;
  if (row.status === 'pending') return 'held while it runs';
  if (row.status === 'released') return 'released: not charged';
  return null;
}

/** The balance before a row: its balance after minus its change. */
export const balanceBefore = (row: UsageRow): number => row.balance_after_msat - row.amount_msat;

/**
 * Where the rows (newest first) do not add up: the indexes whose balance before is not the
 * balance after of the row below. Empty when every row follows from the next.
 */
export function continuityBreaks(rows: readonly UsageRow[]): number[] {
  const breaks: number[] = [];
  for (let i = 0; i + 1 < rows.length; i++) {
    if (balanceBefore(rows[i]!) !== rows[i + 1]!.balance_after_msat) breaks.push(i);
  }
  return breaks;
}

/** What the rows shown sum to: the balance before the oldest, the changes, the balance after the newest. */
export interface RowsSum {
  startMsat: number;
  changeMsat: number;
  endMsat: number;
}

export function sumRows(rows: readonly UsageRow[]): RowsSum | null {
  const newest = rows[0];
  const oldest = rows[rows.length - 1];
  if (!newest || !oldest) return null;
  const changeMsat = rows.reduce((s, r) => s + r.amount_msat, 0);
  return { startMsat: balanceBefore(oldest), changeMsat, endMsat: newest.balance_after_msat };
}

/** The history as the page holds it: the rows loaded so far and where the next page starts. */
export interface HistoryState {
  rows: UsageRow[];
  nextCursor: string | null;
}

export const emptyHistory: HistoryState = { rows: [], nextCursor: null };

/** A page appended below the rows already shown. */
export function appendPage(state: HistoryState, page: UsagePage): HistoryState {
  return { rows: [...state.rows, ...page.data], nextCursor: page.next_cursor };
}

// ── the date range (UTC days, as the per-day totals count them) ──────────────────────────────

/** "YYYY-MM-DD" of a Unix time, in UTC. */
export function utcDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

/** Unix seconds of a "YYYY-MM-DD" day's start in UTC; null for anything else. */
export function dayStart(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-31 over to March: such a day does not exist
  return Number.isNaN(ms) || utcDate(ms / 1000) !== date ? null : ms / 1000;
}

export interface DateRange {
  /** "YYYY-MM-DD", UTC, inclusive */
  from: string;
  to: string;
}

/** The last `days` UTC days up to today. */
export function lastDays(days: number, nowSeconds: number): DateRange {
  return { from: utcDate(nowSeconds - (days - 1) * DAY), to: utcDate(nowSeconds) };
}

export type RangeCheck = { ok: true; from: number; to: number } | { ok: false; message: string };

/** The range as the API takes it: from the first second of `from` to the last of `to`. */
export function checkRange(range: DateRange): RangeCheck {
  const from = dayStart(range.from);
  const to = dayStart(range.to);
  if (from === null) return { ok: false, message: 'Choose a start date.' };
  if (to === null) return { ok: false, message: 'Choose an end date.' };
  if (from > to) return { ok: false, message: 'The start date is after the end date.' };
  if (to - from > 366 * DAY) return { ok: false, message: 'Choose at most a year at a time.' };
  return { ok: true, from, to: to + DAY - 1 };
}

/** "usage-2026-11-05-to-2026-12-04.csv" */
export function csvFileName(range: DateRange): string {
  return `usage-${range.from}-to-${range.to}.csv`;
}
