// The ledger's face to the rest of the server: holds for paid calls, L402 spends, journal posting,
// balance reads, reports and the audit. Only the ledger (and the store) speaks SQL on accounts,
// entries, journal, holds and l402_credentials; every function here moves money atomically.
import { readSnapshot, type Db, type Queryable } from '../store/index.js';
import { findAccountByTokenHash, getBalance, loadSystemAccountIds, setLowBalance, tokenRefusalOf, type SystemAccountIds, type TokenRefusal, type UserAccount } from './accounts.js';
import type { AuditCheck, AuditReport } from './audit.js';
import { runAudit, type AuditOptions } from './audit-run.js';
import { archiveJournal, type ArchiveOptions, type ArchiveResult } from './archive.js';
import { heldMsatOf, releaseHold, renewHold, reserveByCredential, reserveBySession, reserveByTokenHash, sweepExpiredHolds, type CallRecord, type HoldRequest, type ReserveResult, type SpendContext } from './holds.js';
import { createFundBatcher } from './fund-batch.js';
import type { BatchOptions } from './group-commit.js';
import { createReserveBatcher } from './reserve-batch.js';
import { releaseUnused, reserveAhead, type AheadRequest, type AheadResult } from './reserve-ahead.js';
import { createSettleBatcher, settleOne, type Settled } from './settle-batch.js';
import { SettlementsInFlight } from './settlements-in-flight.js';
import { credentialAccount, credentialValueOf, fundCredential, type FundRequest, type Funded } from './l402-credentials.js';
import { createChild, listChildren, revokeChild, type ChildRow, type ChildSpec, type RevokeResult } from './children.js';
import { accountHistory, dailyTotals, type DayTotal, type HistoryPage } from './history.js';
import { accountStatement, accountsByHashPrefix, ledgerStats, ledgerTotals, paidCall, type AccountStatement, type LedgerStats, type PaidCallRow } from './reports.js';

export { hashToken, isWellFormedToken, newToken } from './tokens.js';
export { createUserAccount, findAccountByTokenHash, rekeyAccount, getBalance, spendDayOf, tokenRefusalOf, usableAccountIds, type ChildLimits, type SystemAccountIds, type TokenRefusal, type UserAccount } from './accounts.js';
export { postJournal, InsufficientFundsError, type JournalEntry, type JournalLine } from './journal.js';
export { claimCredential, spendCredential, STALE_IN_FLIGHT_SECONDS, type ClaimOutcome, type FundRequest, type Funded } from './l402-credentials.js';
export type { AuditCheck, AuditContext, AuditReport, AuditTotals, RefMoves } from './audit.js';
export { runAudit, type AuditOptions } from './audit-run.js';
export type { ArchiveOptions, ArchiveResult } from './archive.js';
export { verifyArchive, type ArchiveManifest } from './archive-files.js';
export type { AccountStatement, LedgerStats, PaidCallRow } from './reports.js';
export type { DayTotal, HistoryKind, HistoryPage, HistoryRow } from './history.js';
export type { ChildRow, ChildSpec, RevokeResult } from './children.js';
export { dailyCapLeft, sweepRevoked } from './children.js';
export type { CallRecord, HoldRequest, ReserveResult, SpendContext } from './holds.js';
export type { AheadRequest, AheadResult } from './reserve-ahead.js';
export type { Settled } from './settle-batch.js';

export interface Ledger {
  /** ids of the system accounts, for journal lines posted in a caller's transaction */
  readonly sys: SystemAccountIds;
  /** from a token's balance, within a child token's limits (SpendContext) */
  reserve(p: HoldRequest & Partial<SpendContext> & { tokenHash: Buffer }): Promise<ReserveResult>;
  /** the holds of a token's next few calls at once (ABL_RESERVE_AHEAD); null: reserve one by one */
  reserveAhead(p: AheadRequest): Promise<AheadResult | null>;
  /** the same from a funded L402 credential's account (unknown_account: not funded yet) */
  reserveFromCredential(p: HoldRequest & { paymentHash: string }): Promise<ReserveResult>;
  /** from an open MPP session's account, named by its id (its deposit's payment hash): its bearer's door only */
  reserveFromSession(p: HoldRequest & { paymentHash: string }): Promise<ReserveResult>;
  /** chargeMsat (≤ the hold) to revenue, the rest back (to how.changeTo while held), the call recorded; false if it was no longer held */
  settle(holdId: bigint, chargeMsat: bigint, call?: CallRecord, how?: SettleHow): Promise<Settled>;
  /** resolves once this instance's settlements of the account sent so far have committed (or failed): true if there were any (its balance may have moved) */
  settledFor(accountId: bigint): Promise<boolean>;
  /** resolves once every settlement sent so far has committed or failed (shutdown) */
  drain(): Promise<void>;
  /** null unless settlements waiting for their batch are a backlog (SETTLE_BACKLOG); then resolves once they are fewer */
  settleRoom(): Promise<void> | null;
  release(holdId: bigint, memo?: string): Promise<bigint | null>;
  /** one account's holds taken ahead and never used, back to it in one statement: the balance after (null: none was held) */
  releaseUnused(holdIds: readonly bigint[]): Promise<bigint | null>;
  renew(holdId: bigint, expiresAt: number): Promise<boolean>;
  sweepExpiredHolds(now: number): Promise<number>;
  /** first use of an invoice credential: its value into its own account, once, with the call's hold taken from it; null if the hash was taken before (funded, or a single-use credential) */
  fundCredential(p: FundRequest): Promise<Funded | null>;
  /** the account a funded credential pays from */
  credentialAccount(paymentHash: string): Promise<bigint | null>;
  /** a funded credential's balance and what its calls still running hold, at one moment (null: not funded) */
  credentialValue(paymentHash: string): Promise<{ balanceMsat: bigint; heldMsat: bigint } | null>;
  /** what an account's holds keep from its balance (its calls running, holds reserved ahead) */
  heldOf(accountId: bigint): Promise<bigint>;
  /** a settled call's record, for the account that paid it */
  paidCall(accountId: bigint, requestId: string): Promise<PaidCallRow | null>;
  /** the account's history, newest first, with the balance after each row (ledger/history.ts); the first page read at one moment with the balance it starts from */
  history(p: Omit<Parameters<typeof accountHistory>[1], 'balanceMsat'>): Promise<HistoryPage>;
  /** spent and credited per UTC day, calls per API */
  /** from and to: Unix seconds, both included */
  dailyTotals(p: { accountId: bigint; from: number; to: number }): Promise<DayTotal[]>;
  /** a child token's account, funded from its parent (InsufficientFundsError when the parent lacks it) */
  createChild(p: ChildSpec): Promise<bigint>;
  /** a token's low-balance threshold (X-Balance-Low on paid answers below it); null clears it */
  setLowBalance(accountId: bigint, thresholdMsat: bigint | null): Promise<void>;
  /** the parent's children, or only the one `childId` names */
  listChildren(parentId: bigint, childId?: bigint): Promise<ChildRow[]>;
  revokeChild(p: { parentId: bigint; childId: bigint }): Promise<RevokeResult>;
  accountByToken(tokenHash: Buffer, q?: Queryable): Promise<UserAccount | null>;
  /** why accountByToken found nothing: a revoked or expired child token, or none */
  tokenRefusal(tokenHash: Buffer): Promise<TokenRefusal>;
  balanceOf(accountId: bigint, q?: Queryable): Promise<bigint>;
  accountsByHashPrefix(prefixHex: string, limit: number, q?: Queryable): Promise<bigint[]>;
  statement(accountId: bigint, lines: number, q?: Queryable): Promise<AccountStatement | null>;
  stats(): Promise<LedgerStats>;
  /** user balances and each system account, in msat */
  totals(): Promise<Record<string, bigint>>;
  /** features add their own invariants to the audit (as they add admin commands) */
  addAuditCheck(check: AuditCheck): void;
  /** the full audit unless opts.mode is 'incremental'; a clean one checkpoints what it verified */
  audit(opts?: AuditOptions): Promise<AuditReport>;
  /** journal rows created before opts.before to files, a carry-forward row in their place (ledger/archive.ts) */
  archive(opts: ArchiveOptions): Promise<ArchiveResult>;
}

export interface SettleHow {
  /** the hold's account: its receipts and history wait for this settlement (settledFor) */
  payer?: bigint;
  /** nobody waits for it: it may wait a moment for others to share its statement (ABL_SETTLE_LINGER_MS) */
  mayLinger?: boolean;
  /** the change goes to this unused hold of the same account while it is held (reserving ahead keeps one per pool): 'kept' */
  changeTo?: bigint;
}

export interface LedgerOptions {
  /** Unix seconds (expiries and daily caps of child tokens); injected so tests control it */
  now?: () => number;
  /** Concurrent settlements in one statement (ledger/settle-batch.ts), unless false. */
  settleBatch?: boolean | BatchOptions;
  /** Concurrent reservations, and credentials' first uses, in one statement (ledger/reserve-batch.ts, fund-batch.ts), unless false. */
  reserveBatch?: boolean | BatchOptions;
}

/**
 * Settlements waiting for their batch beyond which new paid calls wait (four batches): a store
 * slower than the calls (PGlite's one thread under load) would otherwise let them pile up, in
 * memory and in what a crash would hand back to the sweep.
 */
export const SETTLE_BACKLOG = 256;

export async function createLedger(db: Db, opts: LedgerOptions = {}): Promise<Ledger> {
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const sys = await loadSystemAccountIds(db);
  // one batch of a kind at a time, on PostgreSQL too: while it commits the next one gathers every
  // call that arrives, so a busy server writes fewer, larger batches (measured against 2, 4 and 8
  // at once: ~1.5× the paid req/s of 4 and half the CPU per call); a lone call still goes at once
  const batching = (opt: boolean | BatchOptions | undefined): BatchOptions | null => (opt === false ? null : { parallel: 1, ...(typeof opt === 'object' ? opt : {}) });
  const settleOpts = batching(opts.settleBatch);
  const reserveOpts = batching(opts.reserveBatch);
  const batcher = settleOpts ? createSettleBatcher(db.settlements, { backlog: SETTLE_BACKLOG, ...settleOpts }) : null;
  const reserving = reserveOpts ? createReserveBatcher(db, reserveOpts) : null;
  const funding = reserveOpts ? createFundBatcher(db, sys, reserveOpts) : null;
  const checks = new Set<AuditCheck>();
  const inFlight = new SettlementsInFlight();
  return {
    sys,
    reserve: (p) => {
      const req = { ...p, now: p.now ?? now(), api: p.api ?? '' };
      return reserving ? reserving.byToken(req) : reserveByTokenHash(db, req);
    },
    reserveAhead: (p) => reserveAhead(db, p),
    reserveFromCredential: (p) => (reserving ? reserving.byCredential(p) : reserveByCredential(db, p)),
    reserveFromSession: (p) => reserveBySession(db, p),
    settle: (holdId, chargeMsat, call, how = {}) => {
      const req = { holdId, chargeMsat, to: sys.revenue, ...(call ? { call } : {}), ...(how.changeTo !== undefined ? { changeTo: how.changeTo } : {}) };
      const settled = batcher ? batcher.settle(req, how.mayLinger) : settleOne(db.settlements, req);
      if (how.payer !== undefined) inFlight.track(how.payer, settled);
      return settled;
    },
    settledFor: (accountId) => {
      // a settlement lingering for company is waited for now: it goes at once
      if (inFlight.has(accountId)) batcher?.flush();
      return inFlight.settledFor(accountId);
    },
    drain: () => {
      batcher?.flush();
      return inFlight.drain();
    },
    settleRoom: () => batcher?.room() ?? null,
    release: (holdId, memo) => releaseHold(db.settlements, { holdId, ...(memo ? { memo } : {}) }),
    releaseUnused: (holdIds) => releaseUnused(db.settlements, holdIds),
    renew: (holdId, expiresAt) => renewHold(db, { holdId, expiresAt }),
    sweepExpiredHolds: (now) => db.tx((q) => sweepExpiredHolds(q, now)),
    fundCredential: (p) => (funding ? funding(p) : fundCredential(db, sys, p)),
    credentialAccount: (paymentHash) => credentialAccount(db, paymentHash),
    credentialValue: (paymentHash) => credentialValueOf(db, paymentHash),
    heldOf: (accountId) => heldMsatOf(db, accountId),
    paidCall: (accountId, requestId) => paidCall(db, accountId, requestId),
    history: (p) =>
      p.cursor ? accountHistory(db, { ...p, balanceMsat: p.cursor.balanceAfterMsat }) : readSnapshot(db, async (q) => accountHistory(q, { ...p, balanceMsat: await getBalance(q, p.accountId) })),
    dailyTotals: (p) => dailyTotals(db, p),
    createChild: (p) => createChild(db, p),
    setLowBalance: (accountId, thresholdMsat) => setLowBalance(db, accountId, thresholdMsat),
    listChildren: (parentId, childId) => listChildren(db, parentId, now(), childId),
    revokeChild: (p) => revokeChild(db, { ...p, now: now() }),
    accountByToken: (tokenHash, q = db) => findAccountByTokenHash(q, tokenHash, now()),
    tokenRefusal: (tokenHash) => tokenRefusalOf(db, tokenHash),
    balanceOf: (accountId, q = db) => getBalance(q, accountId),
    accountsByHashPrefix: (prefixHex, limit, q = db) => accountsByHashPrefix(q, prefixHex, limit),
    statement: (accountId, lines, q = db) => accountStatement(q, accountId, lines),
    stats: () => ledgerStats(db),
    totals: () => ledgerTotals(db),
    addAuditCheck: (check) => void checks.add(check),
    audit: (opts) => runAudit(db, [...checks], opts),
    archive: (opts) => archiveJournal(db, sys, [...checks], opts),
  };
}
