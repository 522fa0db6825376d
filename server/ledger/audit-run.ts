// Running an audit: the full one or the incremental one in one snapshot, then a checkpoint over
// what it verified when it found nothing wrong.
import type { Db, Queryable } from '../store/index.js';
import { auditLedger, type AuditCheck, type AuditReport } from './audit.js';
import { latestCheckpoint, verifySegments, writeCheckpoint, type Checkpoint } from './audit-checkpoint.js';
import { settledHorizon } from './audit-horizon.js';
import { auditBalancesProblems, auditSinceCheckpoint } from './audit-incremental.js';

export interface AuditOptions {
  /** 'full' recomputes everything (the default here); 'incremental' starts at the newest checkpoint */
  mode?: 'full' | 'incremental';
  /** how long to wait for transactions that may still commit journal rows below the horizon (default 10 s) */
  fenceWaitMs?: number;
  /** checkpoint no further than this journal id (the archive cuts at a date) */
  upTo?: bigint;
}

/**
 * The audit sees one snapshot, so it can run beside live traffic. When it finds nothing wrong it
 * checkpoints what it verified, up to the settled horizon (ledger/audit-horizon.ts).
 */
export async function runAudit(db: Db, checks: readonly AuditCheck[] = [], opts: AuditOptions = {}): Promise<AuditReport> {
  const horizon = await settledHorizon(db, opts.fenceWaitMs ?? 10_000);
  const below = horizon !== null && opts.upTo !== undefined && opts.upTo < horizon ? opts.upTo : horizon;
  return db.tx(async (q: Queryable) => {
    await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    let report: AuditReport;
    let base: Checkpoint | null;
    if (opts.mode === 'incremental') {
      ({ report, base } = await auditSinceCheckpoint(q, checks));
    } else {
      report = { ...(await auditLedger(q, checks)), mode: 'full' };
      base = await latestCheckpoint(q);
      report.problems.push(...(await verifySegments(q, 'all')).problems, ...(await auditBalancesProblems(q, base)));
      report.ok = report.problems.length === 0;
    }
    const written = report.ok && below !== null ? await writeCheckpoint(q, base, below) : null;
    const cp = written ?? base;
    return { ...report, checkpoint: cp ? { belowJournalId: cp.below, chain: cp.chain } : null };
  });
}
