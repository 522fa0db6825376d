// AI for Hire's own ledger invariants, run by the ledger audit in its snapshot: the escrow
// account holds exactly the prices of the tasks whose escrow is held, each accepted task's
// escrow went in once and (once closed) out once; pending payouts likewise.
import type { AuditCheck, RefMoves } from '../ledger/index.js';
import { PENDING_REFUNDS_SQL } from '../ledger/mpp-sessions.js';
import type { Queryable } from '../store/index.js';

const HELD = new Set(['awarded', 'delivered', 'revision_requested', 'disputed']);
const CLOSED = new Set(['completed', 'refunded', 'split']);
const NONE: RefMoves = { ins: 0, inMsat: 0n, outs: 0, outMsat: 0n };

const sum = async (q: Queryable, sql: string): Promise<bigint> => (await q.query<{ s: bigint | null }>(sql)).rows[0]?.s ?? 0n;

export const auditEscrows: AuditCheck = async (q, ctx) => {
  const problems: string[] = [];
  const held = await sum(q, `SELECT sum(escrow_msat) AS s FROM hire_tasks WHERE status IN ('awarded', 'delivered', 'revision_requested', 'disputed')`);
  if (held !== ctx.totals.escrowMsat) problems.push(`tasks hold ${held} msat in escrow, the escrow account ${ctx.totals.escrowMsat} msat`);
  const moves = await ctx.movesByRef('escrow');
  const tasks = await q.query<{ id: string; status: string; escrow_msat: bigint | null }>(`SELECT id::text AS id, status, escrow_msat FROM hire_tasks WHERE escrow_msat IS NOT NULL OR id::text = ANY($1)`, [[...moves.keys()]]);
  for (const t of tasks.rows) {
    const m = moves.get(t.id) ?? NONE;
    moves.delete(t.id);
    const ok =
      (t.escrow_msat === null && m.ins + m.outs === 0) ||
      (HELD.has(t.status) && m.ins === 1 && m.outs === 0 && m.inMsat === t.escrow_msat) ||
      (CLOSED.has(t.status) && m.ins === 1 && m.outs === 1 && m.inMsat === t.escrow_msat && m.outMsat === m.inMsat);
    if (!ok) problems.push(`task ${t.id} (${t.status}, escrow ${t.escrow_msat ?? 0} msat): ${m.ins} escrow deposit(s) of ${m.inMsat} msat, ${m.outs} payout(s) of ${m.outMsat} msat`);
  }
  const orphans = [...moves.values()].reduce((n, m) => n + m.ins + m.outs, 0);
  if (orphans > 0) problems.push(`${orphans} escrow entries belong to no task`);
  return problems;
};

export const auditPayouts: AuditCheck = async (q, ctx) => {
  const problems: string[] = [];
  const pendingMsat = ctx.totals.payoutsPendingMsat;
  // MPP session refunds on their way wait in payouts_pending too (ledger/mpp-sessions.ts checks them)
  const held =
    (await sum(q, `SELECT sum(amount_msat + fee_reserve_msat) AS s FROM hire_payouts WHERE state = 'pending'`)) + (await sum(q, PENDING_REFUNDS_SQL));
  if (held !== pendingMsat) problems.push(`pending payouts hold ${held} msat, the payouts_pending account ${pendingMsat} msat`);
  const moves = await ctx.movesByRef('payouts_pending');
  const payouts = await q.query<{ id: string; state: string; held_msat: bigint }>(`SELECT id::text AS id, state, amount_msat + fee_reserve_msat AS held_msat FROM hire_payouts`);
  for (const p of payouts.rows) {
    const m = moves.get(p.id) ?? NONE;
    const pending = p.state === 'pending';
    const ok = m.ins === 1 && m.inMsat === p.held_msat && m.outs === (pending ? 0 : 1) && (pending || m.outMsat === m.inMsat);
    if (!ok) problems.push(`payout ${p.id} (${p.state}): held ${m.ins} time(s), released ${m.outs} time(s)`);
  }
  return problems;
};

export const hireAuditChecks: readonly AuditCheck[] = [auditEscrows, auditPayouts];
