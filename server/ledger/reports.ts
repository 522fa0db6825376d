// Read-only views of the ledger for operators and metrics: account lookups, statements, totals.
import type { Queryable } from '../store/index.js';

export interface AccountStatement {
  id: bigint;
  tokenHashHex: string;
  balanceMsat: bigint;
  createdAt: Date;
  recent: { journalId: bigint; kind: string; ref: string | null; memo: string | null; amountMsat: bigint; at: Date }[];
}

/** User accounts whose token hash starts with the hex prefix (at most `limit`). */
export async function accountsByHashPrefix(q: Queryable, prefixHex: string, limit: number): Promise<bigint[]> {
  const res = await q.query<{ id: bigint }>(`SELECT id FROM accounts WHERE kind = 'user' AND encode(token_hash, 'hex') LIKE $1 LIMIT $2`, [
    `${prefixHex.toLowerCase()}%`,
    limit,
  ]);
  return res.rows.map((r) => r.id);
}

export async function accountStatement(q: Queryable, accountId: bigint, lines: number): Promise<AccountStatement | null> {
  const a = await q.query<{ id: bigint; h: string; balance_msat: bigint; created_at: Date }>(
    `SELECT id, encode(token_hash, 'hex') AS h, balance_msat, created_at FROM accounts WHERE id = $1`,
    [accountId],
  );
  const row = a.rows[0];
  if (!row) return null;
  const recent = await q.query<{ journal_id: bigint; kind: string; ref: string | null; memo: string | null; amount_msat: bigint; created_at: Date }>(
    `SELECT e.journal_id, j.kind, j.ref, j.memo, e.amount_msat, j.created_at FROM entries e JOIN journal j ON j.id = e.journal_id
     WHERE e.account_id = $1 ORDER BY e.journal_id DESC LIMIT $2`,
    [accountId, lines],
  );
  return {
    id: row.id,
    tokenHashHex: row.h,
    balanceMsat: row.balance_msat,
    createdAt: new Date(row.created_at),
    recent: recent.rows.map((r) => ({ journalId: r.journal_id, kind: r.kind, ref: r.ref, memo: r.memo, amountMsat: r.amount_msat, at: new Date(r.created_at) })),
  };
}

export interface LedgerStats {
  accounts: number;
  fundedAccounts: number;
  paidCallsToken: number;
  callsInFlight: number;
  paidCallsL402: number;
  revenueMsat: bigint;
}

export async function ledgerStats(q: Queryable): Promise<LedgerStats> {
  const r = await q.query<Record<string, bigint | null>>(`SELECT
    (SELECT count(*) FROM accounts WHERE kind = 'user') AS accounts,
    (SELECT count(*) FROM accounts WHERE kind = 'user' AND balance_msat > 0) AS funded,
    -- a call paid by an invoice credential (L402, MPP, x402) is its credential's account's
    (SELECT count(*) FROM paid_calls c WHERE NOT EXISTS (SELECT 1 FROM l402_credentials l WHERE l.account_id = c.account_id)) AS token_calls,
    (SELECT count(*) FROM holds WHERE state = 'held') AS in_flight,
    -- paid by an invoice credential: calls of a credential's account, and single-use credentials spent (AI for Hire fees)
    (SELECT count(*) FROM paid_calls c WHERE EXISTS (SELECT 1 FROM l402_credentials l WHERE l.account_id = c.account_id))
      + (SELECT count(*) FROM l402_credentials WHERE state = 'spent') AS l402_calls,
    (SELECT coalesce(sum(e.amount_msat), 0) FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.name = 'revenue') AS revenue`);
  const row = r.rows[0] ?? {};
  const n = (k: string) => Number(row[k] ?? 0n);
  return { accounts: n('accounts'), fundedAccounts: n('funded'), paidCallsToken: n('token_calls'), callsInFlight: n('in_flight'), paidCallsL402: n('l402_calls'), revenueMsat: row.revenue ?? 0n };
}

/**
 * User balances summed, and each system account's balance: a few rows kept by the money moves
 * (011_ledger_totals.sql), never a scan. The kept user total counts open holds too (a reservation
 * writes no journal lines, 017), so held is read from the open holds — in flight, few — and moved.
 */
export async function ledgerTotals(q: Queryable): Promise<Record<string, bigint>> {
  const res = await q.query<{ account_key: string; s: bigint }>(`SELECT account_key, sum(total_msat)::bigint AS s FROM ledger_totals GROUP BY account_key
    UNION ALL SELECT 'open_holds', coalesce(sum(amount_msat), 0)::bigint FROM holds WHERE state = 'held'`);
  const kept: Record<string, bigint> = { user_balances: 0n, ...Object.fromEntries(res.rows.map((r) => [r.account_key, r.s])) };
  const held = kept.open_holds ?? 0n;
  delete kept.open_holds;
  return { ...kept, user_balances: (kept.user_balances ?? 0n) - held, holds: (kept.holds ?? 0n) + held };
}

export interface PaidCallRow {
  requestId: string;
  api: string;
  endpoint: string;
  model: string | null;
  maxChargeMsat: bigint;
  chargedMsat: bigint;
  usage: Record<string, number> | null;
  createdAt: number;
}

/** One settled call, if `accountId` paid it (a token's, or a credential's account). */
export async function paidCall(q: Queryable, accountId: bigint, requestId: string): Promise<PaidCallRow | null> {
  const res = await q.query<{ request_id: string; api: string; endpoint: string; model: string | null; max_charge_msat: bigint; charged_msat: bigint; usage: unknown; created_at: bigint }>(
    `SELECT request_id, api, endpoint, model, max_charge_msat, charged_msat, usage, created_at FROM paid_calls WHERE request_id = $1 AND account_id = $2`,
    [requestId, accountId],
  );
  const r = res.rows[0];
  if (!r) return null;
  const usage = typeof r.usage === 'string' ? (JSON.parse(r.usage) as Record<string, number>) : (r.usage as Record<string, number> | null);
  return { requestId: r.request_id, api: r.api, endpoint: r.endpoint, model: r.model, maxChargeMsat: r.max_charge_msat, chargedMsat: r.charged_msat, usage, createdAt: Number(r.created_at) };
}
