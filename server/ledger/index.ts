// The ledger's face to the rest of the server: holds for paid calls, L402 spends, journal posting,
// balance reads, reports and the audit. Only the ledger (and the store) speaks SQL on accounts,
// entries, journal, holds and l402_credentials; every function here moves money atomically.
import type { Db, Queryable } from '../store/index.js';
import { findAccountByTokenHash, getBalance, loadSystemAccountIds, type SystemAccountIds, type UserAccount } from './accounts.js';
import { auditLedger, type AuditCheck, type AuditReport } from './audit.js';
import { releaseHold, renewHold, reserveByTokenHash, settleHold, sweepExpiredHolds, type ReserveResult } from './holds.js';
import { claimCredential, releaseCredential, spendCredential, type ClaimOutcome } from './l402-credentials.js';
import { accountStatement, accountsByHashPrefix, ledgerStats, ledgerTotals, type AccountStatement, type LedgerStats } from './reports.js';

export { hashToken, isWellFormedToken, newToken } from './tokens.js';
export { createUserAccount, findAccountByTokenHash, getBalance, type SystemAccountIds, type UserAccount } from './accounts.js';
export { postJournal, InsufficientFundsError, type JournalEntry, type JournalLine } from './journal.js';
export { claimCredential, spendCredential, STALE_IN_FLIGHT_SECONDS, type ClaimOutcome } from './l402-credentials.js';
export type { AuditCheck, AuditContext, AuditReport, AuditTotals, RefMoves } from './audit.js';
export type { AccountStatement, LedgerStats } from './reports.js';
export type { ReserveResult } from './holds.js';

export interface L402Spend {
  paymentHash: string;
  endpoint: string;
  priceMsat: bigint;
  now: number;
}

export interface Ledger {
  /** ids of the system accounts, for journal lines posted in a caller's transaction */
  readonly sys: SystemAccountIds;
  reserve(p: { tokenHash: Buffer; amountMsat: bigint; purpose: string; expiresAt: number }): Promise<ReserveResult>;
  /** chargeMsat (≤ the hold) to revenue, the rest back; false if it was no longer held */
  settle(holdId: bigint, chargeMsat: bigint): Promise<boolean>;
  release(holdId: bigint, memo?: string): Promise<bigint | null>;
  renew(holdId: bigint, expiresAt: number): Promise<boolean>;
  sweepExpiredHolds(now: number): Promise<number>;
  /** takes an L402 credential for one request (in flight until spent or released) */
  claimL402(p: L402Spend): Promise<ClaimOutcome>;
  /** the credential served: spent, its price booked as revenue; false if it was not in flight */
  spendL402(p: { paymentHash: string; now: number }): Promise<boolean>;
  releaseL402(paymentHash: string): Promise<void>;
  accountByToken(tokenHash: Buffer, q?: Queryable): Promise<UserAccount | null>;
  balanceOf(accountId: bigint, q?: Queryable): Promise<bigint>;
  accountsByHashPrefix(prefixHex: string, limit: number, q?: Queryable): Promise<bigint[]>;
  statement(accountId: bigint, lines: number, q?: Queryable): Promise<AccountStatement | null>;
  stats(): Promise<LedgerStats>;
  /** user balances and each system account, in msat */
  totals(): Promise<Record<string, bigint>>;
  /** features add their own invariants to the audit (as they add admin commands) */
  addAuditCheck(check: AuditCheck): void;
  audit(): Promise<AuditReport>;
}

export async function createLedger(db: Db): Promise<Ledger> {
  const sys = await loadSystemAccountIds(db);
  const checks = new Set<AuditCheck>();
  return {
    sys,
    reserve: (p) => reserveByTokenHash(db, sys, p),
    settle: (holdId, chargeMsat) => settleHold(db, sys, { holdId, chargeMsat, to: sys.revenue }),
    release: (holdId, memo) => releaseHold(db, sys, { holdId, ...(memo ? { memo } : {}) }),
    renew: (holdId, expiresAt) => renewHold(db, { holdId, expiresAt }),
    sweepExpiredHolds: (now) => db.tx((q) => sweepExpiredHolds(q, sys, now)),
    claimL402: (p) => claimCredential(db, p),
    spendL402: (p) => spendCredential(db, sys, p),
    releaseL402: (paymentHash) => releaseCredential(db, paymentHash),
    accountByToken: (tokenHash, q = db) => findAccountByTokenHash(q, tokenHash),
    balanceOf: (accountId, q = db) => getBalance(q, accountId),
    accountsByHashPrefix: (prefixHex, limit, q = db) => accountsByHashPrefix(q, prefixHex, limit),
    statement: (accountId, lines, q = db) => accountStatement(q, accountId, lines),
    stats: () => ledgerStats(db),
    totals: () => ledgerTotals(db),
    addAuditCheck: (check) => void checks.add(check),
    audit: () => runAudit(db, [...checks]),
  };
}

/** The audit sees one snapshot, so it can run beside live traffic. */
export function runAudit(db: Db, checks: readonly AuditCheck[] = []): Promise<AuditReport> {
  return db.tx(async (q: Queryable) => {
    await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return auditLedger(q, checks);
  });
}
