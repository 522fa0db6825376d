// AI for Hire's own ledger invariants, run by the ledger audit in its snapshot: the escrow
// account holds exactly what the tasks whose escrow is held have not released yet; each
// accepted task's escrow went in once, out once per finished milestone before the current one,
// and (once closed) once more for the rest; milestone releases match the milestone amounts;
// pending payouts likewise.
import type { AuditCheck, RefMoves } from '../ledger/index.js';
import { PENDING_REFUNDS_SQL } from '../ledger/mpp-sessions.js';
import type { Queryable } from '../store/index.js';
import { milestoneTotalMsat, type StoredMilestone } from './milestones.js';

const HELD = new Set(['awarded', 'delivered', 'revision_requested', 'disputed']);
const CLOSED = new Set(['completed', 'refunded', 'split']);
const NONE: RefMoves = { ins: 0, inMsat: 0n, outs: 0, outMsat: 0n };

const sum = async (q: Queryable, sql: string): Promise<bigint> => (await q.query<{ s: bigint | null }>(sql)).rows[0]?.s ?? 0n;

export const auditEscrows: AuditCheck = async (q, ctx) => {
  const problems: string[] = [];
  const held = await sum(q, `SELECT sum(escrow_msat - released_msat) AS s FROM hire_tasks WHERE status IN ('awarded', 'delivered', 'revision_requested', 'disputed')`);
  if (held !== ctx.totals.escrowMsat) problems.push(`tasks hold ${held} msat in escrow, the escrow account ${ctx.totals.escrowMsat} msat`);
  const moves = await ctx.movesByRef('escrow');
  const tasks = await q.query<{ id: string; status: string; escrow_msat: bigint | null; released_msat: bigint; parts: number }>(
    `SELECT id::text AS id, status, escrow_msat, released_msat, current_milestone AS parts FROM hire_tasks WHERE escrow_msat IS NOT NULL OR id::text = ANY($1)`,
    [[...moves.keys()]],
  );
  for (const t of tasks.rows) {
    const m = moves.get(t.id) ?? NONE;
    moves.delete(t.id);
    // one partial release per milestone before the current one, then (closed) one for the rest
    const ok =
      (t.escrow_msat === null && m.ins + m.outs === 0) ||
      (HELD.has(t.status) && m.ins === 1 && m.outs === t.parts && m.inMsat === t.escrow_msat && m.outMsat === t.released_msat) ||
      (CLOSED.has(t.status) && m.ins === 1 && m.outs === t.parts + 1 && m.inMsat === t.escrow_msat && m.outMsat === m.inMsat);
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

/** Milestone tasks: the escrow is the milestones' sum, and what was released is exactly the finished ones. */
export const auditMilestones: AuditCheck = async (q) => {
  const problems: string[] = [];
  const rows = await q.query<{ id: string; escrow_msat: bigint | null; released_msat: bigint; current_milestone: number; milestones: StoredMilestone[] | null }>(
    `SELECT id::text AS id, escrow_msat, released_msat, current_milestone, milestones FROM hire_tasks WHERE milestones IS NOT NULL OR released_msat <> 0 OR current_milestone <> 0`,
  );
  for (const t of rows.rows) {
    const ms = t.milestones ?? [];
    const finished = milestoneTotalMsat(ms.slice(0, t.current_milestone));
    if (t.current_milestone >= Math.max(ms.length, 1)) problems.push(`task ${t.id}: current milestone ${t.current_milestone} of ${ms.length}`);
    if (t.released_msat !== finished) problems.push(`task ${t.id}: released ${t.released_msat} msat for milestones worth ${finished} msat`);
    if (t.escrow_msat !== null && ms.length > 0 && t.escrow_msat !== milestoneTotalMsat(ms)) problems.push(`task ${t.id}: escrow ${t.escrow_msat} msat, milestones ${milestoneTotalMsat(ms)} msat`);
  }
  return problems;
};

export const hireAuditChecks: readonly AuditCheck[] = [auditEscrows, auditMilestones, auditPayouts];
