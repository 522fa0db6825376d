// Operator actions. Each one is recorded in admin_actions; the ones that move money post a
// journal entry against the `adjustments` account with the operator's reason as memo.
import { msatToSats, satsToMsat } from '../../contract/money.js';
import { AppError } from '../errors.js';
import { auditToJson } from '../ledger/audit-format.js';
import { InsufficientFundsError, postJournal, type Ledger } from '../ledger/index.js';
import type { ReserveAhead } from '../payments/reserve-ahead.js';
import type { Db, Queryable } from '../store/index.js';

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

/** reserveAhead: the holds this instance reserved ahead and keeps unused are not calls in flight */
export function createAdminService(deps: { db: Db; ledger: Ledger; extra?: Record<string, AdminCommand>; reserveAhead?: Pick<ReserveAhead, 'unusedHolds'> }) {
  const { db, ledger } = deps;

  async function record(q: Queryable, action: string, args: unknown, result: unknown): Promise<void> {
    await q.query(`INSERT INTO admin_actions (action, args, result) VALUES ($1, $2, $3)`, [action, JSON.stringify(args), JSON.stringify(result)]);
  }

  async function findAccount(q: Queryable, prefix: string): Promise<{ id: bigint }> {
    if (!/^[0-9a-f]{8,64}$/i.test(prefix)) throw new AppError('invalid_field_value', 'give at least 8 hex characters of the token hash', { field: 'account' });
    const ids = await ledger.accountsByHashPrefix(prefix, 2, q);
    if (ids.length === 0) throw new AppError('not_found', `no account has a token hash starting with ${prefix}`);
    if (ids.length > 1) throw new AppError('invalid_field_value', `several accounts start with ${prefix}: give more characters`, { field: 'account' });
    return { id: ids[0]! };
  }

  async function describe(q: Queryable, id: bigint): Promise<AccountView> {
    const a = (await ledger.statement(id, 20, q))!;
    return {
      id: a.id.toString(),
      token_hash_prefix: a.tokenHashHex.slice(0, 16),
      balance_sats: msatToSats(a.balanceMsat),
      balance_msat: a.balanceMsat.toString(),
      created_at: a.createdAt.toISOString(),
      recent: a.recent.map((r) => ({
        journal_id: r.journalId.toString(),
        kind: r.kind,
        ref: r.ref,
        memo: r.memo,
        amount_msat: r.amountMsat.toString(),
        at: r.at.toISOString(),
      })),
    };
  }

  async function adjust(direction: 'credit' | 'debit', args: Record<string, unknown>): Promise<AccountView> {
    const sats = args.sats;
    const reason = typeof args.reason === 'string' ? args.reason.trim() : '';
    if (typeof sats !== 'number' || !Number.isInteger(sats) || sats <= 0) throw new AppError('invalid_field_value', 'sats must be a positive whole number', { field: 'sats' });
    if (reason.length === 0) throw new AppError('missing_required_field', 'a reason is required (--reason "...")', { field: 'reason' });
    if (reason.length < 3) throw new AppError('invalid_field_value', 'the reason must say why in at least 3 characters (--reason "...")', { field: 'reason' });
    const adjusting = db.tx(async (q) => {
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
    return adjusting.catch(async (err: unknown) => {
      if (!(err instanceof InsufficientFundsError)) throw err;
      const { id } = await findAccount(db, String(args.account ?? ''));
      const balance = await ledger.balanceOf(id);
      throw new AppError('insufficient_balance', `The account holds ${msatToSats(balance)} sats; a debit of ${sats} sats would take it below zero. Nothing was debited.`, {
        balance_sats: msatToSats(balance),
        price_sats: sats,
      });
    });
  }

  const commands: Record<string, AdminCommand> = {
    audit: async (args) => {
      // `--full` (any value but false) recomputes everything; otherwise from the last checkpoint
      const full = 'full' in args && args.full !== false && args.full !== 'false';
      const report = auditToJson(await ledger.audit({ mode: full ? 'full' : 'incremental' }));
      await record(db, 'audit', { full }, { ok: report.ok, problems: report.problems.length, checkpoint: report.checkpoint?.below_journal_id ?? null });
      return report;
    },
    archive: async (args) => {
      const before = new Date(String(args.before ?? ''));
      if (typeof args.before !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(args.before) || Number.isNaN(before.getTime())) {
        throw new AppError('invalid_field_value', 'give --before as a date, e.g. 2026-11-01', { field: 'before' });
      }
      if (typeof args.out !== 'string' || args.out.trim() === '') throw new AppError('missing_required_field', 'give --out, the directory for the archive files', { field: 'out' });
      const r = await ledger.archive({ before, outDir: args.out });
      if (r.outcome === 'audit_failed') throw new AppError('invalid_state', `the audit found problems; nothing was archived: ${r.problems.join('; ')}`);
      const result =
        r.outcome === 'archived'
          ? { outcome: r.outcome, name: r.name, below_journal_id: r.belowJournalId.toString(), journal_rows: r.journalRows, entries: r.entries, manifest: r.manifest }
          : { outcome: r.outcome, below_journal_id: r.belowJournalId.toString() };
      await record(db, 'archive', { before: args.before, out: args.out }, result);
      return result;
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
      const l = await ledger.stats();
      const t = await db.query<{ paid: bigint; pending: bigint }>(
        `SELECT count(*) FILTER (WHERE state = 'paid') AS paid, count(*) FILTER (WHERE state = 'pending') AS pending FROM topups`,
      );
      const unusedHolds = deps.reserveAhead?.unusedHolds() ?? 0;
      const stats = {
        accounts: l.accounts,
        funded_accounts: l.fundedAccounts,
        paid_topups: Number(t.rows[0]?.paid ?? 0n),
        pending_topups: Number(t.rows[0]?.pending ?? 0n),
        paid_calls_token: l.paidCallsToken,
        calls_in_flight: l.callsInFlight - unusedHolds,
        holds_reserved_ahead: unusedHolds,
        paid_calls_l402: l.paidCallsL402,
        revenue_msat: Number(l.revenueMsat),
      };
      await record(db, 'stats', {}, stats);
      return stats;
    },
    ...deps.extra,
  };

  return {
    commands: Object.keys(commands),
    async run(command: string, args: Record<string, unknown>): Promise<unknown> {
      // as the CLI spells it (reconcile-payouts) or as the service names it; only its own commands, never Object's
      const name = command.replace(/-/g, '_');
      const fn = Object.hasOwn(commands, name) ? commands[name] : undefined;
      if (!fn) throw new AppError('not_found', `unknown admin command "${command}"; try: ${Object.keys(commands).map((c) => c.replace(/_/g, '-')).join(', ')}`);
      return fn(args);
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
