// The incremental audit: the newest checkpoint's totals and per-account sums plus what the journal
// gained since, checked as the full audit checks everything; two segments' digests re-verified
// (the newest and the one verified longest ago), so a rewritten old row is caught too.
import type { Queryable } from '../store/index.js';
import { invariantProblems, keptTotalsAgainst, movesByRef, type AuditCheck, type AuditContext, type AuditReport, type AuditTotals } from './audit.js';
import { referenceProblems } from './audit-references.js';
import { addSums, latestCheckpoint, rangeSums, verifySegments, type Checkpoint } from './audit-checkpoint.js';

/** Run inside a REPEATABLE READ snapshot; `base` is the checkpoint it started from. */
export async function auditSinceCheckpoint(q: Queryable, checks: readonly AuditCheck[]): Promise<{ report: AuditReport; base: Checkpoint | null }> {
  const base = await latestCheckpoint(q);
  const mark = base?.below ?? 0n;
  const problems: string[] = [];

  const unbalanced = await q.query<{ journal_id: bigint; s: bigint }>(
    `SELECT journal_id, sum(amount_msat) AS s FROM entries WHERE journal_id >= $1 GROUP BY journal_id HAVING sum(amount_msat) <> 0`,
    [mark],
  );
  for (const r of unbalanced.rows) problems.push(`journal ${r.journal_id} does not balance (${r.s} msat)`);
  // every hold's and receipt's references are read by the full audit only
  problems.push(...(await referenceProblems(q, { fromJournalId: mark, full: false })));

  // accounts that moved since the checkpoint: balance + open holds = sum below it + what came after
  // (the compact journal: a reservation moves money into its hold without journal lines)
  const mismatched = await q.query<{ id: bigint; balance_msat: bigint; held: bigint; computed: bigint }>(
    `SELECT a.id, a.balance_msat, coalesce(h.s, 0) AS held, coalesce(b.below_msat, 0) + t.s AS computed
     FROM (SELECT account_id, sum(amount_msat) AS s FROM entries WHERE journal_id >= $1 GROUP BY account_id) t
     JOIN accounts a ON a.id = t.account_id LEFT JOIN audit_balances b ON b.account_id = a.id
     LEFT JOIN (SELECT account_id, sum(amount_msat) AS s FROM holds WHERE state = 'held' GROUP BY account_id) h ON h.account_id = a.id
     WHERE a.kind = 'user' AND a.balance_msat + coalesce(h.s, 0) <> coalesce(b.below_msat, 0) + t.s`,
    [mark],
  );
  for (const r of mismatched.rows) problems.push(`account ${r.id}: balance ${r.balance_msat} msat + held ${r.held} msat, journal says ${r.computed} msat`);

  const tail = await rangeSums(q, mark, null);
  const keys = addSums(base?.totals ?? new Map(), tail);
  const key = (k: string) => keys.get(k) ?? 0n;
  const openHolds = (await q.query<{ s: bigint | null }>(`SELECT sum(amount_msat) AS s FROM holds WHERE state = 'held'`)).rows[0]?.s ?? 0n;
  // a user's journal lines count its balance and its open holds: the holds are counted from `holds`
  const totals: AuditTotals = {
    depositsMsat: key('lightning_in'),
    withdrawalsMsat: key('lightning_out'),
    userBalancesMsat: key('user_balances') - openHolds,
    heldMsat: openHolds,
    escrowMsat: key('escrow'),
    payoutsPendingMsat: key('payouts_pending'),
    revenueMsat: key('revenue'),
    adjustmentsMsat: key('adjustments'),
  };

  // accounts that did not move: their balances must still add up to the journal's user total
  const users = await q.query<{ s: bigint | null; negative: bigint; n: bigint }>(
    `SELECT sum(balance_msat) FILTER (WHERE kind = 'user') AS s, count(*) FILTER (WHERE kind = 'user' AND balance_msat < 0) AS negative, count(*) AS n FROM accounts`,
  );
  const userSum = users.rows[0]?.s ?? 0n;
  if (userSum !== totals.userBalancesMsat) problems.push(`user balances sum to ${userSum} msat, the journal says ${totals.userBalancesMsat} msat`);
  if (Number(users.rows[0]?.negative ?? 0n) > 0) {
    const negative = await q.query<{ id: bigint }>(`SELECT id FROM accounts WHERE kind = 'user' AND balance_msat < 0 LIMIT 20`);
    for (const r of negative.rows) problems.push(`account ${r.id} has a negative balance`);
  }

  problems.push(...(await invariantProblems(q, totals, key('holds'))));
  const ledgerKeys = new Map([...keys].filter(([k]) => k !== 'lightning_in' && k !== 'lightning_out'));
  problems.push(...(await keptTotalsAgainst(q, ledgerKeys)));

  const ctx: AuditContext = { totals, movesByRef: (account) => movesByRef(q, account) };
  for (const check of checks) problems.push(...(await check(q, ctx)));

  problems.push(...(await verifySegments(q, 'rotating')).problems);

  const rows = await q.query<{ n: bigint }>(`SELECT count(*) AS n FROM journal WHERE id >= $1`, [mark]);
  return {
    report: {
      ok: problems.length === 0,
      problems,
      totals,
      accounts: Number(users.rows[0]?.n ?? 0n),
      journalEntries: Number(rows.rows[0]?.n ?? 0n),
      mode: 'incremental',
    },
    base,
  };
}

/** The full audit's extra: each account's recorded sum below the newest checkpoint is what its entries say. */
export async function auditBalancesProblems(q: Queryable, base: Checkpoint | null): Promise<string[]> {
  const res = await q.query<{ account_id: bigint; recorded: bigint | null; journal: bigint | null }>(
    `SELECT coalesce(b.account_id, j.account_id) AS account_id, b.below_msat AS recorded, j.s AS journal
     FROM audit_balances b FULL JOIN (SELECT account_id, sum(amount_msat) AS s FROM entries WHERE journal_id < $1 GROUP BY account_id) j
       ON j.account_id = b.account_id
     WHERE coalesce(b.below_msat, 0) <> coalesce(j.s, 0)`,
    [base?.below ?? 0n],
  );
  return res.rows.map((r) => `account ${r.account_id}: the checkpoint records ${r.recorded ?? 0n} msat below journal ${base?.below ?? 0n}, the journal ${r.journal ?? 0n} msat`);
}
