// The ledger's face to the rest of the server: holds for paid calls, journal posting for
// everything else, and the audit. Every function here moves money atomically.
import type { Db, Queryable } from '../store/index.js';
import { loadSystemAccountIds, type SystemAccountIds } from './accounts.js';
import { auditLedger, type AuditReport } from './audit.js';
import { releaseHold, renewHold, reserveByTokenHash, settleHold, sweepExpiredHolds, type ReserveResult } from './holds.js';

export { hashToken, isWellFormedToken, newToken } from './tokens.js';
export { createUserAccount, findAccountByTokenHash, getBalance, type SystemAccountIds, type UserAccount } from './accounts.js';
export { postJournal, InsufficientFundsError, type JournalEntry, type JournalLine } from './journal.js';
export type { AuditReport, AuditTotals } from './audit.js';
export type { ReserveResult } from './holds.js';

export interface Ledger {
  readonly db: Db;
  readonly sys: SystemAccountIds;
  reserve(p: { tokenHash: Buffer; amountMsat: bigint; purpose: string; expiresAt: number }): Promise<ReserveResult>;
  /** chargeMsat (≤ the hold) to revenue, the rest back; false if it was no longer held */
  settle(holdId: bigint, chargeMsat: bigint): Promise<boolean>;
  release(holdId: bigint, memo?: string): Promise<bigint | null>;
  renew(holdId: bigint, expiresAt: number): Promise<boolean>;
  sweepExpiredHolds(now: number): Promise<number>;
  audit(): Promise<AuditReport>;
}

export async function createLedger(db: Db): Promise<Ledger> {
  const sys = await loadSystemAccountIds(db);
  return {
    db,
    sys,
    reserve: (p) => reserveByTokenHash(db, sys, p),
    settle: (holdId, chargeMsat) => settleHold(db, sys, { holdId, chargeMsat, to: sys.revenue }),
    release: (holdId, memo) => releaseHold(db, sys, { holdId, ...(memo ? { memo } : {}) }),
    renew: (holdId, expiresAt) => renewHold(db, { holdId, expiresAt }),
    sweepExpiredHolds: (now) => db.tx((q) => sweepExpiredHolds(q, sys, now)),
    audit: () => runAudit(db),
  };
}

/** The audit sees one snapshot, so it can run beside live traffic. */
export function runAudit(db: Db): Promise<AuditReport> {
  return db.tx(async (q: Queryable) => {
    await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return auditLedger(q);
  });
}
