// An account's history, newest first: one row per balance change a person recognises — a paid
// call (its reservation and settlement shown as one row), a top-up, an AI for Hire fee, escrow
// moves, a payout — with the balance after each. Paged by journal id; the cursor carries the
// balance after its row, so a page costs its own rows, not the account's whole history.
// The journal is compact (017): a call in flight has no journal row yet (its hold is read from
// `holds`), a settled call is one 'charge' row, a released one an 'unreserve' row with no lines.
import type { Queryable } from '../store/index.js';
import { UNUSED_MEMO } from './reserve-ahead.js';

export type HistoryKind = 'call' | 'topup' | 'hire_fee' | 'escrow' | 'escrow_release' | 'escrow_refund' | 'payout' | 'payout_refund' | 'child_token' | 'adjustment' | 'carried_forward' | 'other';

export interface HistoryRow {
  journalId: bigint;
  kind: HistoryKind;
  /** the balance change, signed (credits positive) */
  amountMsat: bigint;
  balanceAfterMsat: bigint;
  createdAt: number;
  /** journal ref: the hold, task, payout or payment hash it concerns */
  ref: string | null;
  call: { requestId: string | null; api: string | null; endpoint: string | null; model: string | null; chargedMsat: bigint; status: 'pending' | 'settled' | 'released' } | null;
}

export interface HistoryPage {
  rows: HistoryRow[];
  /** where the next page starts: below this journal id, the entry below it leaving this balance */
  next: { journalId: bigint; balanceAfterMsat: bigint } | null;
}

const KINDS: Record<string, HistoryKind> = {
  deposit: 'topup',
  settle: 'call',
  release: 'call',
  reserve: 'call',
  charge: 'call',
  unreserve: 'call',
  hire_post_fee: 'hire_fee',
  hire_quote_fee: 'hire_fee',
  hire_escrow: 'escrow',
  hire_release: 'escrow_release',
  hire_refund: 'escrow_refund',
  hire_split: 'escrow_release',
  hire_payout: 'payout',
  hire_payout_paid: 'payout',
  hire_payout_failed: 'payout_refund',
  token_fund: 'child_token',
  token_revoke: 'child_token',
  admin_credit: 'adjustment',
  admin_debit: 'adjustment',
  // the sum of a stretch of archived rows (ledger/archive.ts), where that stretch was
  carry_forward: 'carried_forward',
};

type Entry = {
  journal_id: bigint;
  amount_msat: bigint;
  kind: string;
  ref: string | null;
  created_at: Date | string;
  hold_state: string | null;
  hold_msat: bigint | null;
  request_id: string | null;
  api: string | null;
  endpoint: string | null;
  model: string | null;
  purpose: string | null;
  charged_msat: bigint | null;
};

/** Journal kinds that concern a hold (ref = the hold's id). */
const HOLD_KINDS = `('reserve', 'settle', 'release', 'charge', 'unreserve')`;

// Every entry of the account below the cursor, and the lineless journal rows of its released
// holds, with what a call row needs: the receipt by the hold's id (a settled hold's row is gone,
// 026). Reservations journalled before 017 are folded into their later row or counted from
// `holds` (hidden below), as is the row that carried them over.
const PAGE_SQL = `
SELECT x.journal_id, x.amount_msat, j.kind, j.ref, j.created_at,
       h.state AS hold_state, h.amount_msat AS hold_msat, h.purpose,
       c.request_id, c.api, c.endpoint, c.model, c.charged_msat
FROM (
  SELECT e.journal_id, e.amount_msat FROM entries e WHERE e.account_id = $1 AND e.journal_id < $2
  UNION ALL
  SELECT r.id, 0::bigint FROM holds rh JOIN journal r ON r.kind = 'unreserve' AND r.ref = rh.id::text
  WHERE rh.account_id = $1 AND rh.state = 'released' AND r.id < $2 AND r.memo IS DISTINCT FROM '${UNUSED_MEMO}'
    AND NOT EXISTS (SELECT 1 FROM entries re WHERE re.journal_id = r.id AND re.account_id = $1)
) x
JOIN journal j ON j.id = x.journal_id
LEFT JOIN holds h ON j.kind IN ${HOLD_KINDS} AND h.id::text = j.ref
LEFT JOIN paid_calls c ON c.hold_id = CASE WHEN j.kind IN ${HOLD_KINDS} THEN j.ref::bigint END
WHERE ($3::timestamptz IS NULL OR j.created_at >= $3::timestamptz)
ORDER BY x.journal_id DESC
LIMIT $4`;

// Calls in flight, newest first: on top of the first page, each one's hold still out of the balance.
const PENDING_SQL = `
SELECT id, amount_msat, purpose, created_at FROM holds WHERE account_id = $1 AND state = 'held' ORDER BY id DESC`;

const HIDDEN = new Set(['reserve', 'hold_carry']);

/**
 * A page of the account's history. `start` is the previous page's `next`, or for the first page
 * the current balance (and no journal bound). `to` drops newer rows while keeping the balances right.
 */
export async function accountHistory(
  q: Queryable,
  p: { accountId: bigint; balanceMsat: bigint; limit: number; cursor: { journalId: bigint; balanceAfterMsat: bigint } | null; from: Date | null; to: Date | null },
): Promise<HistoryPage> {
  let below = p.cursor?.journalId ?? 9_223_372_036_854_775_807n;
  let balance = p.cursor?.balanceAfterMsat ?? p.balanceMsat;
  const rows: HistoryRow[] = [];
  if (!p.cursor) {
    // the journal's balance counts every call in flight (their holds have no journal lines yet),
    // shown or not
    const pending = await q.query<{ id: bigint; amount_msat: bigint; purpose: string; created_at: Date | string }>(PENDING_SQL, [p.accountId]);
    for (const h of pending.rows) {
      const shown = !p.to && rows.length < p.limit && (!p.from || new Date(h.created_at) >= p.from);
      if (shown) rows.push(pendingRow(h, balance));
      balance += h.amount_msat;
    }
  }
  if (!p.cursor && p.to) {
    // the balance at the end of `to`: what came after it is taken back out
    const later = await q.query<{ s: bigint | null; first: bigint | null }>(
      `SELECT sum(e.amount_msat) AS s, min(e.journal_id) AS first FROM entries e JOIN journal j ON j.id = e.journal_id WHERE e.account_id = $1 AND j.created_at > $2`,
      [p.accountId, p.to],
    );
    balance -= later.rows[0]?.s ?? 0n;
    if (later.rows[0]?.first != null) below = later.rows[0].first;
  }
  const shownPending = rows.length;
  // twice the page: rows of reservations journalled before 017 are folded, not shown
  const fetched = await q.query<Entry>(PAGE_SQL, [p.accountId, below, p.from, p.limit * 2 + 1]);
  let last: { journalId: bigint; balanceAfterMsat: bigint } | null = shownPending === p.limit ? { journalId: below, balanceAfterMsat: balance } : null;
  for (const e of fetched.rows) {
    if (rows.length === p.limit) break;
    const balanceAfter = balance;
    balance -= e.amount_msat;
    // the next page starts below this entry, with the balance before it (after the one below)
    last = { journalId: e.journal_id, balanceAfterMsat: balance };
    if (!HIDDEN.has(e.kind)) rows.push(toRow(e, balanceAfter));
  }
  const more = fetched.rows.length > 0 && (rows.length === p.limit || fetched.rows.length === p.limit * 2 + 1);
  return { rows, next: more && last ? last : null };
}

function pendingRow(h: { id: bigint; amount_msat: bigint; purpose: string; created_at: Date | string }, balanceAfterMsat: bigint): HistoryRow {
  const createdAt = Math.floor(new Date(h.created_at).getTime() / 1000);
  return {
    journalId: 0n,
    kind: 'call',
    amountMsat: -h.amount_msat,
    balanceAfterMsat,
    createdAt,
    ref: h.id.toString(),
    call: { requestId: null, api: apiOf(h.purpose), endpoint: h.purpose, model: null, chargedMsat: 0n, status: 'pending' },
  };
}

function toRow(e: Entry, balanceAfterMsat: bigint): HistoryRow {
  const kind = KINDS[e.kind] ?? 'other';
  const createdAt = Math.floor(new Date(e.created_at).getTime() / 1000);
  if (kind !== 'call') return { journalId: e.journal_id, kind, amountMsat: e.amount_msat, balanceAfterMsat, createdAt, ref: e.ref, call: null };
  const held = e.hold_msat ?? 0n;
  // before 017, settle and release returned the change or all of the hold: the call's own effect
  // is minus what was kept; since, a 'charge' row is the charge itself and an 'unreserve' row nothing
  const legacy = e.kind === 'settle' || e.kind === 'release';
  const net = legacy ? e.amount_msat - held : e.amount_msat;
  const status = e.kind === 'settle' || e.kind === 'charge' ? 'settled' : 'released';
  const endpoint = e.endpoint ?? e.purpose;
  return {
    journalId: e.journal_id,
    kind,
    amountMsat: net,
    balanceAfterMsat,
    createdAt,
    ref: e.ref,
    call: { requestId: e.request_id, api: e.api ?? apiOf(endpoint), endpoint, model: e.model, chargedMsat: status === 'settled' ? (e.charged_msat ?? -net) : 0n, status },
  };
}

/** "POST /api/v1/openai/v1/chat/completions" → "openai". */
const apiOf = (endpoint: string | null): string | null => (endpoint ? (/^\S+ \/api\/v1\/([^/]+)\//.exec(endpoint)?.[1] ?? null) : null);

export interface DayTotal {
  date: string;
  spentMsat: bigint;
  creditedMsat: bigint;
  byApi: Record<string, bigint>;
}

/** Per UTC day between two Unix seconds, both included: what the account spent (settled calls, fees, escrow, payouts) and was credited, calls per API. */
export async function dailyTotals(q: Queryable, p: { accountId: bigint; from: number; to: number }): Promise<DayTotal[]> {
  // what a withdrawal held and gave back (its unused fee reserve, or all of a failed one) is
  // spending undone on the withdrawal's day, not money credited
  const money = await q.query<{ day: string; spent: bigint; credited: bigint }>(
    `SELECT to_char(x.at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
            coalesce(-sum(x.amount_msat) FILTER (WHERE x.amount_msat < 0 OR x.undoes), 0) AS spent,
            coalesce(sum(x.amount_msat) FILTER (WHERE x.amount_msat > 0 AND NOT x.undoes), 0) AS credited
     FROM (
       SELECT e.amount_msat, coalesce(w.created_at, j.created_at) AS at, w.id IS NOT NULL AS undoes
       FROM entries e JOIN journal j ON j.id = e.journal_id
       LEFT JOIN journal w ON j.kind IN ('hire_payout_paid', 'hire_payout_failed') AND e.amount_msat > 0 AND w.kind = 'hire_payout' AND w.ref = j.ref
       -- calls are counted from their settled records below: a reservation is not yet spending;
       -- a carry-forward is archived history, not a day's spending; money moved between a token and
       -- its child tokens is neither spent nor credited (a child's own spending counts where it spends)
       WHERE e.account_id = $1 AND j.kind NOT IN ('reserve', 'settle', 'release', 'charge', 'unreserve', 'hold_carry', 'carry_forward', 'token_fund', 'token_revoke')
     ) x
     -- the end second whole, in SQL: a day after 9999-12-31 has no date the driver can send
     WHERE x.at >= to_timestamp($2) AND x.at < to_timestamp($3) + interval '1 second'
     GROUP BY 1 ORDER BY 1`,
    [p.accountId, p.from, p.to],
  );
  const calls = await q.query<{ day: string; api: string; charged: bigint }>(
    `SELECT to_char(to_timestamp(c.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, c.api, sum(c.charged_msat) AS charged
     FROM paid_calls c WHERE c.account_id = $1 AND c.created_at >= $2 AND c.created_at <= $3
     GROUP BY 1, 2`,
    [p.accountId, p.from, p.to],
  );
  const days = new Map<string, DayTotal>();
  const day = (d: string) => days.get(d) ?? days.set(d, { date: d, spentMsat: 0n, creditedMsat: 0n, byApi: {} }).get(d)!;
  for (const r of money.rows) Object.assign(day(r.day), { spentMsat: r.spent, creditedMsat: r.credited });
  for (const r of calls.rows) {
    const d = day(r.day);
    d.byApi[r.api] = r.charged;
    d.spentMsat += r.charged;
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}
