// Retention: journal rows of a closed period go to files (archive-files.ts) and leave carry-forward
// rows behind (one per stretch between the rows kept), whose entries are each account's sum over
// them — so balances, the ledger totals and both audits stay exact. Only verified history (below a checkpoint) is archived,
// never a row of an open hold or any escrow / pending-payout move (AI for Hire and MPP refunds
// account for those by reference). Holds and paid_calls rows stay: receipts keep working.
import type { Db, Queryable } from '../store/index.js';
import type { SystemAccountIds } from './accounts.js';
import type { AuditCheck } from './audit.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { addSums, checkpoints, rangeSums, totalsJson, type Checkpoint } from './audit-checkpoint.js';
import { segmentDigest } from './audit-digest.js';
import { ARCHIVE_FORMAT, ArchiveWriter, EntrySums, writeManifest, type ArchivedRow } from './archive-files.js';
import { runAudit } from './audit-run.js';

const LOCK_KEY = 4_020_415;
const BATCH = 5_000;

export type ArchiveResult =
  | { outcome: 'archived'; name: string; belowJournalId: bigint; journalRows: number; entries: number; manifest: string }
  | { outcome: 'nothing_to_archive'; belowJournalId: bigint }
  | { outcome: 'audit_failed'; problems: string[] };

export interface ArchiveOptions {
  before: Date;
  outDir: string;
  /** tests: fail after the files are written, or after the rows are deleted, before the commit */
  failAt?: 'files' | 'delete';
}

export async function archiveJournal(db: Db, sys: SystemAccountIds, checks: readonly AuditCheck[], opts: ArchiveOptions): Promise<ArchiveResult> {
  const cut = await db.query<{ id: bigint | null }>(`SELECT min(id) AS id FROM journal WHERE created_at >= $1`, [opts.before]);
  const upTo = cut.rows[0]?.id ?? undefined;
  // verifies what is new and checkpoints it, exactly at the cut when the chain has not passed it yet
  const report = await runAudit(db, checks, { mode: 'incremental', ...(upTo !== undefined ? { upTo } : {}) });
  if (!report.ok) return { outcome: 'audit_failed', problems: report.problems };

  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const segs = await checkpoints(q);
    const newest = segs.at(-1);
    // only verified history: below the cut and below the newest checkpoint
    const below = newest && upTo !== undefined && upTo < newest.below ? upTo : (newest?.below ?? 0n);
    const done = segs[0]?.archive ? segs[0].below : 0n;
    if (below <= done) return { outcome: 'nothing_to_archive', belowJournalId: done };
    const covered = segs.filter((s) => s.from < below);

    // the rows to archive are the ones the checkpoints verified
    for (const s of covered) {
      if ((await segmentDigest(q, s.from, s.below)) !== s.digest) return { outcome: 'audit_failed', problems: [`journal rows ${s.from}–${s.below - 1n} changed after their checkpoint`] };
    }
    const straddling = covered.at(-1)!.below > below ? covered.at(-1)! : null;
    const whole = straddling ? covered.slice(0, -1) : covered;
    // the totals below the cut, for the segment that replaces the archived ones
    const totalsBelow = straddling ? addSums(whole.at(-1)?.totals ?? new Map(), await rangeSums(q, straddling.from, below)) : covered.at(-1)!.totals;

    const kept = await keptRows(q, sys, below);
    const name = `ledger-below-${below}`;
    const writer = new ArchiveWriter(opts.outDir, name);
    const stretches = new Stretches(kept);
    let maxId = -1n;
    for (let after = -1n; ; ) {
      const rows = await batch(q, after, below, kept);
      if (rows.length === 0) break;
      for (const r of rows) {
        writer.write(r);
        stretches.add(r);
      }
      after = BigInt(rows.at(-1)!.id);
      maxId = after;
    }
    const file = writer.finish();
    if (opts.failAt === 'files') throw new Error('archive: failing after the files (test)');
    if (writer.rows === 0) {
      rmSync(writer.path, { force: true });
      return { outcome: 'nothing_to_archive', belowJournalId: done };
    }

    const deletedEntries = await q.query(`DELETE FROM entries WHERE journal_id < $1 AND journal_id <> ALL($2::bigint[])`, [below, kept]);
    const deletedRows = await q.query(`DELETE FROM journal WHERE id < $1 AND id <> ALL($2::bigint[])`, [below, kept]);
    if (deletedEntries.rowCount !== writer.entries || deletedRows.rowCount !== writer.rows) {
      throw new Error(`archive: wrote ${writer.rows} rows / ${writer.entries} entries, deleted ${deletedRows.rowCount} / ${deletedEntries.rowCount}`);
    }
    if (opts.failAt === 'delete') throw new Error('archive: failing after the delete (test)');

    for (const stretch of stretches.all()) await carryForward(q, sys, { journalId: stretch.lastId, name, createdAt: stretch.lastAt, sums: stretch });
    await replaceCheckpoints(q, { covered, straddling, below, totalsBelow, name });

    writeManifest(opts.outDir, {
      format: ARCHIVE_FORMAT,
      name,
      before: opts.before.toISOString(),
      below_journal_id: below.toString(),
      created_at: new Date().toISOString(),
      journal_rows: writer.rows,
      entries: writer.entries,
      file,
      per_account_msat: Object.fromEntries([...writer.sums].map(([k, v]) => [k, v.toString()])),
      carry_forward_journal_id: maxId.toString(),
      replaced_checkpoints: covered.map((s) => ({ from_journal_id: s.from.toString(), below_journal_id: s.below.toString(), digest: s.digest, chain: s.chain, archive: s.archive })),
    });
    return { outcome: 'archived', name, belowJournalId: below, journalRows: writer.rows, entries: writer.entries, manifest: join(opts.outDir, `${name}.manifest.json`) };
  });
}

/** Rows that stay: any escrow or pending-payout move, and the moves of holds still open. */
async function keptRows(q: Queryable, sys: SystemAccountIds, below: bigint): Promise<bigint[]> {
  const res = await q.query<{ id: bigint }>(
    `SELECT DISTINCT e.journal_id AS id FROM entries e WHERE e.journal_id < $1 AND e.account_id = ANY($2::bigint[])
     UNION
     SELECT j.id FROM holds h JOIN journal j ON j.ref = h.id::text AND j.id < $1
     WHERE h.state = 'held' AND EXISTS (SELECT 1 FROM entries e WHERE e.journal_id = j.id AND e.account_id = $3)`,
    [below, [sys.escrow, sys.payouts_pending], sys.holds],
  );
  return res.rows.map((r) => r.id);
}

async function batch(q: Queryable, after: bigint, below: bigint, kept: bigint[]): Promise<ArchivedRow[]> {
  const res = await q.query<{ id: bigint; kind: string; ref: string | null; memo: string | null; created_at: Date | string; entries: unknown }>(
    `SELECT j.id, j.kind, j.ref, j.memo, j.created_at,
       coalesce(json_agg(json_build_array(e.account_id::text, e.amount_msat::text) ORDER BY e.account_id, e.amount_msat) FILTER (WHERE e.account_id IS NOT NULL), '[]') AS entries
     FROM journal j LEFT JOIN entries e ON e.journal_id = j.id
     WHERE j.id > $1 AND j.id < $2 AND j.id <> ALL($3::bigint[])
     GROUP BY j.id ORDER BY j.id LIMIT ${BATCH}`,
    [after, below, kept],
  );
  return res.rows.map((r) => ({
    id: r.id.toString(),
    kind: r.kind,
    ref: r.ref,
    memo: r.memo,
    created_at: new Date(r.created_at).toISOString(),
    entries: (typeof r.entries === 'string' ? JSON.parse(r.entries) : r.entries) as [string, string][],
  }));
}

/** A run of archived rows with no kept row between them, summed: its carry-forward row takes its last row's id and time. */
interface Stretch extends EntrySums {
  lastId: bigint;
  lastAt: Date;
}

/**
 * The archived rows cut into stretches at the rows kept among them (escrow and payout moves, open
 * holds): one carry-forward row per stretch, where the stretch was, so every balance a usage list
 * shows before and after a kept row stays what it was.
 */
class Stretches {
  private readonly kept: bigint[];
  private next = 0;
  private readonly done: Stretch[] = [];
  private open: Stretch | null = null;

  constructor(kept: readonly bigint[]) {
    this.kept = [...kept].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** rows come in id order */
  add(row: ArchivedRow): void {
    const id = BigInt(row.id);
    while (this.next < this.kept.length && this.kept[this.next]! < id) {
      this.next++;
      this.close();
    }
    const open = (this.open ??= Object.assign(new EntrySums(), { lastId: id, lastAt: new Date(0) }));
    open.add(row.entries);
    open.lastId = id;
    open.lastAt = new Date(row.created_at);
  }

  all(): Stretch[] {
    this.close();
    return this.done;
  }

  private close(): void {
    if (this.open) this.done.push(this.open);
    this.open = null;
  }
}

/**
 * One journal row in place of a stretch of archived ones: each account's sum (the lightning
 * account's money in and out apart, so deposits and withdrawals stay exact). Balances do not
 * change, so no balance column moves, and the kept totals are given back what their trigger adds.
 */
async function carryForward(q: Queryable, sys: SystemAccountIds, p: { journalId: bigint; name: string; createdAt: Date; sums: EntrySums }): Promise<void> {
  const lightning = sys.lightning.toString();
  const lines: [string, bigint][] = [...p.sums.sums].filter(([account, v]) => v !== 0n && account !== lightning);
  for (const side of [p.sums.debits, p.sums.credits]) {
    const v = side.get(lightning) ?? 0n;
    if (v !== 0n) lines.push([lightning, v]);
  }
  // a stretch that moved nothing in sum leaves nothing to carry
  if (lines.length === 0) return;
  await q.query(`INSERT INTO journal (id, kind, ref, memo, created_at) VALUES ($1, 'carry_forward', $2, 'sum of the archived journal rows', $3)`, [p.journalId, p.name, p.createdAt]);
  const accounts = lines.map((l) => l[0]);
  const amounts = lines.map((l) => l[1].toString());
  await q.query(`INSERT INTO entries (journal_id, account_id, amount_msat) SELECT $1, a, m FROM unnest($2::bigint[], $3::bigint[]) AS t(a, m)`, [p.journalId, accounts, amounts]);
  await q.query(
    `INSERT INTO ledger_totals (account_key, bucket, total_msat)
     SELECT coalesce(a.name, 'user_balances'), -2, -sum(e.amount_msat) FROM entries e JOIN accounts a ON a.id = e.account_id
     WHERE e.journal_id = $1 GROUP BY 1 ORDER BY 1
     ON CONFLICT (account_key, bucket) DO UPDATE SET total_msat = ledger_totals.total_msat + EXCLUDED.total_msat`,
    [p.journalId],
  );
}

/**
 * The archived checkpoints become one segment over what is left below the cut; a segment the cut
 * went through keeps its rows above the cut. Both keep the chain hash they had (carried), so the
 * segments after them still link.
 */
async function replaceCheckpoints(
  q: Queryable,
  p: { covered: Checkpoint[]; straddling: Checkpoint | null; below: bigint; totalsBelow: ReadonlyMap<string, bigint>; name: string },
): Promise<void> {
  const last = p.covered.at(-1)!;
  await q.query(`DELETE FROM audit_checkpoints WHERE from_journal_id < $1`, [p.below]);
  const anchor = p.straddling ? (p.covered.at(-2)?.chain ?? '') : last.chain;
  await q.query(
    `INSERT INTO audit_checkpoints (from_journal_id, below_journal_id, digest, chain, totals, archive, chain_carried) VALUES (0, $1, $2, $3, $4, $5, true)`,
    [p.below, await segmentDigest(q, 0n, p.below), anchor, totalsJson(p.totalsBelow), p.name],
  );
  if (p.straddling) {
    await q.query(
      `INSERT INTO audit_checkpoints (from_journal_id, below_journal_id, digest, chain, totals, chain_carried) VALUES ($1, $2, $3, $4, $5, true)`,
      [p.below, last.below, await segmentDigest(q, p.below, last.below), last.chain, totalsJson(last.totals)],
    );
  }
}
