// Operator actions. Each one is recorded in admin_actions; the ones that move money post a
// journal entry against the `adjustments` account with the operator's reason as memo.
import { msatToSats, satsToMsat } from '../../contract/money.js';
import { AppError } from '../errors.js';
import { auditToJson } from '../ledger/audit-format.js';
import { postJournal, type Ledger } from '../ledger/index.js';
import type { Queryable } from '../store/index.js';

export interface AccountView {
  id: string;
  token_hash_prefix: string;
  balance_sats: number;
  balance_msat: string;
  created_at: string;
  recent: { journal_id: string; kind: string; ref: string | null; memo: string | null; amount_msat: string; at: string }[];
}

/** Extra commands other modules contribute (AI for Hire: dispute resolution, payouts). */
export type AdminCommand = (args: Record<string, unknown>) => Promise<unknown>;

export function createAdminService(deps: { ledger: Ledger; extra?: Record<string, AdminCommand> }) {
  const { ledger } = deps;
  const db = ledger.db;

  async function record(q: Queryable, action: string, args: unknown, result: unknown): Promise<void> {
    await q.query(`INSERT INTO admin_actions (action, args, result) VALUES ($1, $2, $3)`, [action, JSON.stringify(args), JSON.stringify(result)]);
  }

  async function findAccount(q: Queryable, prefix: string): Promise<{ id: bigint }> {
    if (!/^[0-9a-f]{8,64}$/i.test(prefix)) throw new AppError('invalid_field_value', 'give at least 8 hex characters of the token hash', { field: 'account' });
    const res = await q.query<{ id: bigint }>(`SELECT id FROM accounts WHERE kind = 'user' AND encode(token_hash, 'hex') LIKE $1 LIMIT 2`, [`${prefix.toLowerCase()}%`]);
    if (res.rows.length === 0) throw new AppError('not_found', `no account has a token hash starting with ${prefix}`);
    if (res.rows.length > 1) throw new AppError('invalid_field_value', `several accounts start with ${prefix}: give more characters`, { field: 'account' });
    return res.rows[0]!;
  }

  async function describe(q: Queryable, id: bigint): Promise<AccountView> {
    const a = await q.query<{ id: bigint; h: string; balance_msat: bigint; created_at: Date }>(
      `SELECT id, encode(token_hash, 'hex') AS h, balance_msat, created_at FROM accounts WHERE id = $1`,
      [id],
    );
    const row = a.rows[0]!;
    const recent = await q.query<{ journal_id: bigint; kind: string; ref: string | null; memo: string | null; amount_msat: bigint; created_at: Date }>(
      `SELECT e.journal_id, j.kind, j.ref, j.memo, e.amount_msat, j.created_at FROM entries e JOIN journal j ON j.id = e.journal_id
       WHERE e.account_id = $1 ORDER BY e.journal_id DESC LIMIT 20`,
      [id],
    );
    return {
      id: row.id.toString(),
      token_hash_prefix: row.h.slice(0, 16),
      balance_sats: msatToSats(row.balance_msat),
      balance_msat: row.balance_msat.toString(),
      created_at: new Date(row.created_at).toISOString(),
      recent: recent.rows.map((r) => ({
        journal_id: r.journal_id.toString(),
        kind: r.kind,
        ref: r.ref,
        memo: r.memo,
        amount_msat: r.amount_msat.toString(),
        at: new Date(r.created_at).toISOString(),
      })),
    };
  }

  async function adjust(direction: 'credit' | 'debit', args: Record<string, unknown>): Promise<AccountView> {
    const sats = args.sats;
    const reason = typeof args.reason === 'string' ? args.reason.trim() : '';
    if (typeof sats !== 'number' || !Number.isInteger(sats) || sats <= 0) throw new AppError('invalid_field_value', 'sats must be a positive whole number', { field: 'sats' });
    if (reason.length < 3) throw new AppError('missing_required_field', 'a reason is required (--reason "...")', { field: 'reason' });
    return db.tx(async (q) => {
      const { id } = await findAccount(q, String(args.account ?? ''));
      const msat = satsToMsat(sats) * (direction === 'credit' ? 1n : -1n);
      await postJournal(q, {
        kind: `admin_${direction}`,
        ref: id.toString(),
        memo: reason,
        lines: [
          { accountId: id, amountMsat: msat },
          { accountId: ledger.sys.adjustments, amountMsat: -msat },
        ],
      });
      const view = await describe(q, id);
      await record(q, direction, { account: args.account, sats, reason }, { balance_sats: view.balance_sats });
      return view;
    });
  }

  const commands: Record<string, AdminCommand> = {
    audit: async () => {
      const report = auditToJson(await ledger.audit());
      await record(db, 'audit', {}, { ok: report.ok, problems: report.problems.length });
      return report;
    },
    account: async (args) =>
      db.tx(async (q) => {
        const view = await describe(q, (await findAccount(q, String(args.account ?? ''))).id);
        await record(q, 'account', { account: args.account }, { id: view.id });
        return view;
      }),
    credit: (args) => adjust('credit', args),
    debit: (args) => adjust('debit', args),
    stats: async () => {
      const r = await db.query<Record<string, bigint | null>>(`SELECT
        (SELECT count(*) FROM accounts WHERE kind = 'user') AS accounts,
        (SELECT count(*) FROM accounts WHERE kind = 'user' AND balance_msat > 0) AS funded_accounts,
        (SELECT count(*) FROM topups WHERE state = 'paid') AS paid_topups,
        (SELECT count(*) FROM topups WHERE state = 'pending') AS pending_topups,
        (SELECT count(*) FROM holds WHERE state = 'settled') AS paid_calls_token,
        (SELECT count(*) FROM holds WHERE state = 'held') AS calls_in_flight,
        (SELECT count(*) FROM l402_credentials WHERE state = 'spent') AS paid_calls_l402,
        (SELECT coalesce(sum(e.amount_msat), 0) FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.name = 'revenue') AS revenue_msat`);
      const stats = Object.fromEntries(Object.entries(r.rows[0] ?? {}).map(([k, v]) => [k, Number(v ?? 0n)]));
      await record(db, 'stats', {}, stats);
      return stats;
    },
    ...deps.extra,
  };

  return {
    commands: Object.keys(commands),
    async run(command: string, args: Record<string, unknown>): Promise<unknown> {
      const fn = commands[command];
      if (!fn) throw new AppError('not_found', `unknown admin command "${command}"; try: ${Object.keys(commands).join(', ')}`);
      return fn(args);
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
