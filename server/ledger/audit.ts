// Recomputes every balance from the journal and checks the ledger's invariants.
import type { Queryable } from '../store/index.js';

export interface AuditTotals {
  depositsMsat: bigint;
  withdrawalsMsat: bigint;
  userBalancesMsat: bigint;
  heldMsat: bigint;
  escrowMsat: bigint;
  payoutsPendingMsat: bigint;
  revenueMsat: bigint;
  adjustmentsMsat: bigint;
}

export interface AuditReport {
  ok: boolean;
  problems: string[];
  totals: AuditTotals;
  accounts: number;
  journalEntries: number;
}

const sumOf = async (q: Queryable, sql: string, params: unknown[] = []): Promise<bigint> => {
  const res = await q.query<{ s: bigint | null }>(sql, params);
  return res.rows[0]?.s ?? 0n;
};

/** Run inside a REPEATABLE READ snapshot (see runAudit) so totals describe one instant. */
export async function auditLedger(q: Queryable): Promise<AuditReport> {
  const problems: string[] = [];

  const mismatched = await q.query<{ id: bigint; balance_msat: bigint; computed: bigint }>(`
    SELECT a.id, a.balance_msat, coalesce(sum(e.amount_msat), 0) AS computed
    FROM accounts a LEFT JOIN entries e ON e.account_id = a.id
    WHERE a.kind = 'user'
    GROUP BY a.id HAVING a.balance_msat <> coalesce(sum(e.amount_msat), 0)`);
  for (const r of mismatched.rows) problems.push(`account ${r.id}: balance ${r.balance_msat} msat, journal says ${r.computed} msat`);

  const negative = await q.query<{ id: bigint }>(`SELECT id FROM accounts WHERE kind = 'user' AND balance_msat < 0`);
  for (const r of negative.rows) problems.push(`account ${r.id} has a negative balance`);

  const unbalanced = await q.query<{ journal_id: bigint; s: bigint }>(
    `SELECT journal_id, sum(amount_msat) AS s FROM entries GROUP BY journal_id HAVING sum(amount_msat) <> 0`,
  );
  for (const r of unbalanced.rows) problems.push(`journal ${r.journal_id} does not balance (${r.s} msat)`);

  const total = await sumOf(q, `SELECT sum(amount_msat) AS s FROM entries`);
  if (total !== 0n) problems.push(`the journal sums to ${total} msat, not zero`);

  const sys = async (name: string) =>
    sumOf(q, `SELECT sum(e.amount_msat) AS s FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.name = $1`, [name]);
  const depositsMsat = -(await sumOf(
    q,
    `SELECT sum(e.amount_msat) AS s FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.name = 'lightning' AND e.amount_msat < 0`,
  ));
  const withdrawalsMsat = await sumOf(
    q,
    `SELECT sum(e.amount_msat) AS s FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.name = 'lightning' AND e.amount_msat > 0`,
  );
  const totals: AuditTotals = {
    depositsMsat,
    withdrawalsMsat,
    userBalancesMsat: await sumOf(q, `SELECT sum(balance_msat) AS s FROM accounts WHERE kind = 'user'`),
    heldMsat: await sys('holds'),
    escrowMsat: await sys('escrow'),
    payoutsPendingMsat: await sys('payouts_pending'),
    revenueMsat: await sys('revenue'),
    adjustmentsMsat: await sys('adjustments'),
  };

  const openHolds = await sumOf(q, `SELECT sum(amount_msat) AS s FROM holds WHERE state = 'held'`);
  if (openHolds !== totals.heldMsat) problems.push(`open holds sum to ${openHolds} msat, the holds account to ${totals.heldMsat} msat`);
  for (const [name, v] of [['holds', totals.heldMsat], ['escrow', totals.escrowMsat], ['payouts_pending', totals.payoutsPendingMsat]] as const) {
    if (v < 0n) problems.push(`${name} is negative (${v} msat)`);
  }

  // Money in the system equals money that came in minus money that went out (admin
  // adjustments are money the operator put in or took out by hand).
  const inside =
    totals.userBalancesMsat + totals.heldMsat + totals.escrowMsat + totals.payoutsPendingMsat + totals.revenueMsat;
  const net = totals.depositsMsat - totals.withdrawalsMsat - totals.adjustmentsMsat;
  if (inside !== net) problems.push(`balances + holds + escrow + pending payouts + revenue = ${inside} msat, deposits − withdrawals = ${net} msat`);

  problems.push(...(await auditEscrows(q, totals.escrowMsat)), ...(await auditPayouts(q, totals.payoutsPendingMsat)));

  const counts = await q.query<{ accounts: bigint; journal: bigint }>(
    `SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM journal) AS journal`,
  );
  return {
    ok: problems.length === 0,
    problems,
    totals,
    accounts: Number(counts.rows[0]?.accounts ?? 0n),
    journalEntries: Number(counts.rows[0]?.journal ?? 0n),
  };
}

// AI for Hire escrow: the escrow account holds exactly the prices of the tasks whose escrow is
// held, and every accepted task's escrow went in once and, if the task is closed, out once.
const HELD = `('awarded', 'delivered', 'revision_requested', 'disputed')`;
const CLOSED = `('completed', 'refunded', 'split')`;

async function auditEscrows(q: Queryable, escrowMsat: bigint): Promise<string[]> {
  const problems: string[] = [];
  const held = await sumOf(q, `SELECT sum(escrow_msat) AS s FROM hire_tasks WHERE status IN ${HELD}`);
  if (held !== escrowMsat) problems.push(`tasks hold ${held} msat in escrow, the escrow account ${escrowMsat} msat`);
  const moves = await q.query<{ id: string; status: string; escrow_msat: bigint | null; ins: bigint; in_msat: bigint; outs: bigint; out_msat: bigint }>(`
    WITH m AS (
      SELECT j.ref, e.amount_msat FROM entries e JOIN journal j ON j.id = e.journal_id
      WHERE e.account_id = (SELECT id FROM accounts WHERE name = 'escrow'))
    SELECT t.id, t.status, t.escrow_msat,
      count(m.amount_msat) FILTER (WHERE m.amount_msat > 0) AS ins, coalesce(sum(m.amount_msat) FILTER (WHERE m.amount_msat > 0), 0) AS in_msat,
      count(m.amount_msat) FILTER (WHERE m.amount_msat < 0) AS outs, coalesce(-sum(m.amount_msat) FILTER (WHERE m.amount_msat < 0), 0) AS out_msat
    FROM hire_tasks t LEFT JOIN m ON m.ref = t.id::text
    GROUP BY t.id, t.status, t.escrow_msat
    HAVING NOT (
      (t.escrow_msat IS NULL AND count(m.amount_msat) = 0)
      OR (t.status IN ${HELD} AND count(m.amount_msat) FILTER (WHERE m.amount_msat > 0) = 1 AND count(m.amount_msat) FILTER (WHERE m.amount_msat < 0) = 0
          AND sum(m.amount_msat) = t.escrow_msat)
      OR (t.status IN ${CLOSED} AND count(m.amount_msat) FILTER (WHERE m.amount_msat > 0) = 1 AND count(m.amount_msat) FILTER (WHERE m.amount_msat < 0) = 1
          AND sum(m.amount_msat) FILTER (WHERE m.amount_msat > 0) = t.escrow_msat AND sum(m.amount_msat) = 0))`);
  for (const r of moves.rows) {
    problems.push(`task ${r.id} (${r.status}, escrow ${r.escrow_msat ?? 0} msat): ${r.ins} escrow deposit(s) of ${r.in_msat} msat, ${r.outs} payout(s) of ${r.out_msat} msat`);
  }
  const orphans = await sumOf(q, `
    SELECT count(*) AS s FROM entries e JOIN journal j ON j.id = e.journal_id
    WHERE e.account_id = (SELECT id FROM accounts WHERE name = 'escrow')
      AND NOT EXISTS (SELECT 1 FROM hire_tasks t WHERE t.id::text = j.ref)`);
  if (orphans > 0n) problems.push(`${orphans} escrow entries belong to no task`);
  return problems;
}

// Pending payouts: the account holds exactly amount + fee reserve of each pending payout, and
// each payout was held once and, once resolved, released once.
async function auditPayouts(q: Queryable, pendingMsat: bigint): Promise<string[]> {
  const problems: string[] = [];
  const held = await sumOf(q, `SELECT sum(amount_msat + fee_reserve_msat) AS s FROM hire_payouts WHERE state = 'pending'`);
  if (held !== pendingMsat) problems.push(`pending payouts hold ${held} msat, the payouts_pending account ${pendingMsat} msat`);
  const bad = await q.query<{ id: string; state: string; ins: bigint; outs: bigint }>(`
    WITH m AS (
      SELECT j.ref, e.amount_msat FROM entries e JOIN journal j ON j.id = e.journal_id
      WHERE e.account_id = (SELECT id FROM accounts WHERE name = 'payouts_pending'))
    SELECT p.id, p.state,
      count(m.amount_msat) FILTER (WHERE m.amount_msat > 0) AS ins, count(m.amount_msat) FILTER (WHERE m.amount_msat < 0) AS outs
    FROM hire_payouts p LEFT JOIN m ON m.ref = p.id::text
    GROUP BY p.id, p.state, p.amount_msat, p.fee_reserve_msat
    HAVING count(m.amount_msat) FILTER (WHERE m.amount_msat > 0) <> 1
      OR coalesce(sum(m.amount_msat) FILTER (WHERE m.amount_msat > 0), 0) <> p.amount_msat + p.fee_reserve_msat
      OR count(m.amount_msat) FILTER (WHERE m.amount_msat < 0) <> (CASE WHEN p.state = 'pending' THEN 0 ELSE 1 END)
      OR (p.state <> 'pending' AND sum(m.amount_msat) <> 0)`);
  for (const r of bad.rows) problems.push(`payout ${r.id} (${r.state}): held ${r.ins} time(s), released ${r.outs} time(s)`);
  return problems;
}
