// Recomputes every balance from the journal and checks the ledger's invariants. The journal is
// compact (017): an account's entries sum to its balance plus its open holds, which are counted
// from `holds`; the holds system account keeps only what older reservations left (zero).
import type { Queryable } from '../store/index.js';
import { referenceProblems } from './audit-references.js';

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

/** What a feature's audit check may read besides its own tables (same snapshot). */
export interface AuditContext {
  totals: AuditTotals;
  /** one system account's entries grouped by journal ref: money in (> 0) and out (< 0) */
  movesByRef(account: 'escrow' | 'payouts_pending'): Promise<Map<string, RefMoves>>;
}

export interface RefMoves {
  ins: number;
  inMsat: bigint;
  outs: number;
  outMsat: bigint;
}

/** A feature's own invariants over the ledger (AI for Hire: escrow and payouts); returns problems. */
export type AuditCheck = (q: Queryable, ctx: AuditContext) => Promise<string[]>;

export interface AuditReport {
  ok: boolean;
  problems: string[];
  totals: AuditTotals;
  accounts: number;
  /** journal rows the audit read: all of them (full), or those since the checkpoint (incremental) */
  journalEntries: number;
  mode?: 'full' | 'incremental';
  /** the newest verified checkpoint after this audit: history below it is pinned by its chain hash */
  checkpoint?: { belowJournalId: bigint; chain: string } | null;
}

const sumOf = async (q: Queryable, sql: string, params: unknown[] = []): Promise<bigint> => {
  const res = await q.query<{ s: bigint | null }>(sql, params);
  return res.rows[0]?.s ?? 0n;
};

/** Run inside a REPEATABLE READ snapshot (see runAudit) so totals describe one instant. */
export async function auditLedger(q: Queryable, checks: readonly AuditCheck[] = []): Promise<AuditReport> {
  const problems: string[] = [];

  const mismatched = await q.query<{ id: bigint; balance_msat: bigint; held: bigint; computed: bigint }>(`
    WITH e AS (SELECT account_id, sum(amount_msat) AS s FROM entries GROUP BY account_id),
         h AS (SELECT account_id, sum(amount_msat) AS s FROM holds WHERE state = 'held' GROUP BY account_id)
    SELECT a.id, a.balance_msat, coalesce(h.s, 0) AS held, coalesce(e.s, 0) AS computed
    FROM accounts a LEFT JOIN e ON e.account_id = a.id LEFT JOIN h ON h.account_id = a.id
    WHERE a.kind = 'user' AND a.balance_msat + coalesce(h.s, 0) <> coalesce(e.s, 0)`);
  for (const r of mismatched.rows) problems.push(`account ${r.id}: balance ${r.balance_msat} msat + held ${r.held} msat, journal says ${r.computed} msat`);

  const negative = await q.query<{ id: bigint }>(`SELECT id FROM accounts WHERE kind = 'user' AND balance_msat < 0`);
  for (const r of negative.rows) problems.push(`account ${r.id} has a negative balance`);

  const unbalanced = await q.query<{ journal_id: bigint; s: bigint }>(
    `SELECT journal_id, sum(amount_msat) AS s FROM entries GROUP BY journal_id HAVING sum(amount_msat) <> 0`,
  );
  for (const r of unbalanced.rows) problems.push(`journal ${r.journal_id} does not balance (${r.s} msat)`);

  problems.push(...(await referenceProblems(q, { fromJournalId: 0n, full: true })));

  const total = await sumOf(q, `SELECT sum(amount_msat) AS s FROM entries`);
  if (total !== 0n) problems.push(`the journal sums to ${total} msat, not zero`);

  // the journal summed per system account (and all users as one key), once: the totals and the kept totals read it
  const byKey = await q.query<{ key: string; s: bigint }>(
    `SELECT coalesce(a.name, 'user_balances') AS key, sum(e.amount_msat) AS s FROM entries e JOIN accounts a ON a.id = e.account_id GROUP BY 1`,
  );
  const journalByKey = new Map(byKey.rows.map((r) => [r.key, r.s]));
  const sys = (name: string) => journalByKey.get(name) ?? 0n;
  const depositsMsat = -(await sumOf(
    q,
    `SELECT sum(e.amount_msat) AS s FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.name = 'lightning' AND e.amount_msat < 0`,
  ));
  const withdrawalsMsat = await sumOf(
    q,
    `SELECT sum(e.amount_msat) AS s FROM entries e JOIN accounts a ON a.id = e.account_id WHERE a.name = 'lightning' AND e.amount_msat > 0`,
  );
  const openHolds = await sumOf(q, `SELECT sum(amount_msat) AS s FROM holds WHERE state = 'held'`);
  const totals: AuditTotals = {
    depositsMsat,
    withdrawalsMsat,
    userBalancesMsat: await sumOf(q, `SELECT sum(balance_msat) AS s FROM accounts WHERE kind = 'user'`),
    heldMsat: openHolds,
    escrowMsat: sys('escrow'),
    payoutsPendingMsat: sys('payouts_pending'),
    revenueMsat: sys('revenue'),
    adjustmentsMsat: sys('adjustments'),
  };

  problems.push(...(await invariantProblems(q, totals, sys('holds'))));
  problems.push(...(await keptTotalsAgainst(q, journalByKey)));

  const ctx: AuditContext = { totals, movesByRef: (account) => movesByRef(q, account) };
  for (const check of checks) problems.push(...(await check(q, ctx)));

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

/** The invariants over the totals: open holds match the holds account, nothing negative, money conserved. */
export async function invariantProblems(q: Queryable, totals: AuditTotals, holdsAccountMsat: bigint): Promise<string[]> {
  const problems: string[] = [];
  // the compact journal (017): a reservation writes no lines, so open holds are counted from `holds`
  if (holdsAccountMsat !== 0n) problems.push(`the holds account sums to ${holdsAccountMsat} msat, not zero (open holds are counted from holds)`);
  const heldByNonUser = await sumOf(q, `SELECT sum(h.amount_msat) AS s FROM holds h JOIN accounts a ON a.id = h.account_id WHERE h.state = 'held' AND a.kind <> 'user'`);
  if (heldByNonUser !== 0n) problems.push(`system accounts hold ${heldByNonUser} msat`);
  for (const [name, v] of [['holds', totals.heldMsat], ['escrow', totals.escrowMsat], ['payouts_pending', totals.payoutsPendingMsat]] as const) {
    if (v < 0n) problems.push(`${name} is negative (${v} msat)`);
  }
  // Money in the system equals money that came in minus money that went out (admin
  // adjustments are money the operator put in or took out by hand).
  const inside =
    totals.userBalancesMsat + totals.heldMsat + totals.escrowMsat + totals.payoutsPendingMsat + totals.revenueMsat;
  const net = totals.depositsMsat - totals.withdrawalsMsat - totals.adjustmentsMsat;
  if (inside !== net) problems.push(`balances + holds + escrow + pending payouts + revenue = ${inside} msat, deposits − withdrawals = ${net} msat`);
  return problems;
}

export async function movesByRef(q: Queryable, account: string): Promise<Map<string, RefMoves>> {
  const res = await q.query<{ ref: string | null; ins: bigint; in_msat: bigint; outs: bigint; out_msat: bigint }>(
    `SELECT j.ref,
       count(*) FILTER (WHERE e.amount_msat > 0) AS ins, coalesce(sum(e.amount_msat) FILTER (WHERE e.amount_msat > 0), 0) AS in_msat,
       count(*) FILTER (WHERE e.amount_msat < 0) AS outs, coalesce(-sum(e.amount_msat) FILTER (WHERE e.amount_msat < 0), 0) AS out_msat
     FROM entries e JOIN journal j ON j.id = e.journal_id
     WHERE e.account_id = (SELECT id FROM accounts WHERE name = $1)
     GROUP BY j.ref`,
    [account],
  );
  return new Map(res.rows.map((r) => [r.ref ?? '', { ins: Number(r.ins), inMsat: r.in_msat, outs: Number(r.outs), outMsat: r.out_msat }]));
}

/** The totals the money moves keep (ledger_totals; metrics read them) against the totals per key the audit computed from the journal. */
export async function keptTotalsAgainst(q: Queryable, computed: ReadonlyMap<string, bigint>): Promise<string[]> {
  const res = await q.query<{ key: string; s: bigint }>(`SELECT account_key AS key, sum(total_msat) AS s FROM ledger_totals GROUP BY 1`);
  const kept = new Map(res.rows.map((r) => [r.key, r.s]));
  const problems: string[] = [];
  for (const key of new Set([...kept.keys(), ...computed.keys()])) {
    const k = kept.get(key) ?? 0n;
    const j = computed.get(key) ?? 0n;
    if (k !== j) problems.push(`kept totals say ${k} msat for ${key}, the journal ${j} msat`);
  }
  return problems;
}
