// MPP Lightning sessions on the prepaid ledger: a session is the account its deposit funded (the
// deposit's payment hash is the session id, its preimage the bearer), paid from exactly like a
// token through the gate; top-ups credit further paid invoices to it once each; a close (the
// client's, or the idle sweep's) moves the whole balance out in one compare-and-set and pays its
// whole sats to the return invoice, settled once like a payout; a close while calls still run on
// the session does that when the last of them has ended. Knows nothing of HTTP.
import { msatToSats } from '../../contract/money.js';
import { AppError, invalidL402 } from '../errors.js';
import { trustedOutcome } from '../hire/payouts.js';
import { auditSessions, awaitingCloses, claimUnsentRefunds, closeSession, extendSessionHold, finishClose, idleSessions, markRefundUnsent, openSession, pendingRefunds, sessionRow, settleRefund, topUpSession, touchSession, type ClosingSession, type SessionRow } from '../ledger/mpp-sessions.js';
import type { Ledger } from '../ledger/index.js';
import { tryDecodeBolt11 } from '../lightning/bolt11.js';
import { PaymentNotSentError, WalletUnavailableError, type PaymentOutcome, type WalletBackend } from '../lightning/backend.js';
import type { MppCredential } from '../mpp/header.js';
import { decodeSessionRequest, mintSessionChallenge, preimageMatches, verifyDeposit, type DepositFailure, type RefundStatus } from '../mpp/session.js';
import type { RateLimiter } from '../ratelimit.js';
import type { Db } from '../store/index.js';
import { deriveKey } from '../wire/binding.js';
import { DEFAULT_REALM } from './rail.js';
import { SESSION_ENDPOINT } from './session-endpoint.js';

export { SESSION_ENDPOINT } from './session-endpoint.js';
/** The draft's recommended idle timeout. */
export const IDLE_SECONDS = 300;
/** A return invoice must outlive the session by far: the draft asks for 30 days. */
export const RETURN_INVOICE_MIN_SECONDS = 30 * 86_400;
/** Refunds left pending this long are looked up in the wallet. */
const RECONCILE_AFTER_SECONDS = 60;

export interface SessionDeps {
  db: Db;
  ledger: Ledger;
  wallet: WalletBackend;
  rootKey: Buffer;
  now: () => number;
  realm?: string;
  limiter?: RateLimiter;
  log?: { warn(obj: object, msg: string): void };
  /** the Lightning backend failed an operation (the operator's wallet-error metric) */
  walletFailed?: (operation: string) => void;
  /** the deposit a session challenge asks for when the client names none, and the bounds of one it names */
  deposit: { defaultSats: number; minSats: number; maxSats: number; invoiceExpirySeconds: number };
  idleSeconds?: number;
}

/** What an action answers (the route turns it into a status, a body and a Payment-Receipt). */
export type SessionAnswer =
  | { status: 'open'; sessionId: string; balanceMsat: bigint; challengeId: string }
  | { status: 'ok'; sessionId: string; balanceMsat: bigint; challengeId: string }
  | { status: 'closed'; sessionId: string; refundSats: number; refundStatus: RefundStatus; challengeId: string };

export function createSessions(deps: SessionDeps) {
  const { db, ledger } = deps;
  const key = deriveKey(deps.rootKey, 'mpp');
  const realm = deps.realm ?? DEFAULT_REALM;
  const idleSeconds = deps.idleSeconds ?? IDLE_SECONDS;
  ledger.addAuditCheck(auditSessions);
  /** streams paused for a top-up on this instance, by session: woken when one is credited here */
  const paused = new Map<string, Set<() => void>>();
  const wake = (sessionId: string) => {
    for (const fn of paused.get(sessionId) ?? []) fn();
  };

  /** 402 with a session challenge: a fresh deposit invoice (the client's deposit_sats, or the default). */
  async function challenge(client: string, depositSats?: number): Promise<AppError> {
    const sats = depositSats ?? deps.deposit.defaultSats;
    if (!Number.isInteger(sats) || sats < deps.deposit.minSats || sats > deps.deposit.maxSats) {
      throw new AppError('invalid_field_value', `deposit_sats must be a whole number from ${deps.deposit.minSats} to ${deps.deposit.maxSats}.`, { field: 'deposit_sats' });
    }
    await deps.limiter?.check('invoice', client);
    let invoice;
    try {
      invoice = await deps.wallet.createInvoice({ amountMsat: BigInt(sats) * 1000n, description: 'MPP session deposit', expirySeconds: deps.deposit.invoiceExpirySeconds, externalId: 'mpp-session' });
    } catch (err) {
      if (!(err instanceof WalletUnavailableError)) throw err;
      deps.walletFailed?.('createInvoice');
      return new AppError('topup_unavailable', 'The Lightning node cannot be reached right now; try again shortly.');
    }
    const mpp = mintSessionChallenge({ key, realm, endpoint: SESSION_ENDPOINT, unitSats: 1n, invoice: invoice.bolt11, paymentHash: invoice.paymentHash, depositMsat: invoice.amountMsat, idleTimeoutSeconds: idleSeconds, expiresAt: invoice.expiresAt });
    return new AppError(
      'payment_required',
      `Pay the deposit invoice (${sats} sats) and open the session with "Authorization: Payment <credential>" (action "open", the preimage and a zero-amount return invoice for the remainder).`,
      {},
      { invoice: invoice.bolt11, payment_hash: invoice.paymentHash, amount_sats: sats, expires_at: invoice.expiresAt },
      { sessionChallenge: mpp },
    );
  }

  function deposit(cred: MppCredential, preimage: Buffer) {
    const v = verifyDeposit({ key, realm, endpoint: SESSION_ENDPOINT, challenge: cred.challenge, preimage, now: deps.now() });
    if (!v.ok) throw invalidL402(depositMessage(v.reason));
    return v;
  }

  function ownerOf(cred: MppCredential, sessionId: string, preimage: Buffer): void {
    if (cred.challenge.realm !== realm) throw invalidL402('This Payment credential answers a challenge of another realm.');
    if (!preimageMatches(preimage, sessionId)) throw invalidL402('The preimage does not match this session.');
  }

  /** A closed session's answer; one whose refund awaits its running calls says what it holds outside them, pending. */
  const closedAnswer = async (row: SessionRow, challengeId: string): Promise<SessionAnswer> => ({
    status: 'closed',
    sessionId: row.paymentHash,
    refundSats: msatToSats(row.refundState === 'awaiting' ? await ledger.balanceOf(row.accountId) : (row.refundMsat ?? 0n)),
    refundStatus: row.refundState === 'awaiting' || row.refundState === 'unsent' ? 'pending' : row.refundState === null || row.refundState === 'skipped' ? 'skipped' : row.refundState,
    challengeId,
  });

  /** closes made here that await their sessions' calls: a call ending here looks at no other session */
  const awaitingHere = new Set<string>();

  /** Refunds a close that awaited its session's calls, once none runs (any instance may; once). */
  async function finishAwaitingClose(sessionId: string): Promise<boolean> {
    const closing = await finishClose(db, ledger.sys, sessionId);
    if (!closing) return false;
    awaitingHere.delete(sessionId);
    await refund(closing);
    return true;
  }

  /** Pays a closed session's refund once; the outcome decides its bookkeeping (unknown: left pending). */
  async function refund(c: ClosingSession): Promise<RefundStatus> {
    if (c.refundMsat === 0n) return 'skipped';
    let outcome: PaymentOutcome;
    try {
      outcome = await deps.wallet.payInvoice({ bolt11: c.returnInvoice, amountMsat: c.refundMsat, maxFeeMsat: feeCap(c.refundMsat) });
    } catch (err) {
      if (err instanceof PaymentNotSentError) {
        // the node was away: nothing left; the reconcile job sends it once the node is back
        deps.log?.warn({ session: c.paymentHash, err: err.message }, 'session refund: the node could not be reached; sent again later');
        await markRefundUnsent(db, c.paymentHash);
        return 'pending';
      }
      deps.log?.warn({ session: c.paymentHash, err: (err as Error).message }, 'session refund: outcome unknown; looked up later');
      return 'pending';
    }
    return settle(c.paymentHash, trustedOutcome(outcome, c.returnHash));
  }

  async function settle(sessionId: string, outcome: PaymentOutcome): Promise<RefundStatus> {
    if (outcome.status === 'pending') return 'pending';
    if (outcome.status === 'failed') deps.log?.warn({ session: sessionId, reason: outcome.reason }, 'session refund failed; the remainder stays in the closed session');
    await settleRefund(db, ledger.sys, { paymentHash: sessionId, outcome: outcome.status === 'succeeded' ? { status: 'succeeded', feeMsat: outcome.feeMsat } : { status: 'failed' } });
    const row = await sessionRow(db, sessionId);
    return row?.refundState === 'succeeded' || row?.refundState === 'failed' ? row.refundState : 'pending';
  }

  return {
    challenge,

    /** open, topUp or close (a bearer here answers the session's state). */
    async act(cred: MppCredential): Promise<SessionAnswer> {
      const s = cred.session;
      if (!s) throw invalidL402('Only the Payment intent "session" is accepted here.');
      const now = deps.now();
      const challengeId = cred.challenge.id;
      switch (s.action) {
        case 'open': {
          const v = deposit(cred, s.preimage);
          const ret = checkReturnInvoice(s.returnInvoice, decodeSessionRequest(cred.challenge.request)?.depositInvoice ?? '', now);
          const row = await openSession(db, ledger.sys, { paymentHash: v.paymentHash, depositMsat: v.depositMsat, endpoint: SESSION_ENDPOINT, returnInvoice: ret.bolt11, returnHash: ret.paymentHash, now });
          if (!row) throw new AppError('payment_already_used', 'This invoice already paid through another door (L402, MPP charge, x402, or a session top-up); open a session with a new one.');
          if (row.state === 'closed') throw new AppError('invalid_state', 'This session is closed; open a new one.');
          return { status: 'open', sessionId: row.paymentHash, balanceMsat: await ledger.balanceOf(row.accountId), challengeId };
        }
        case 'topUp': {
          const v = deposit(cred, s.topUpPreimage);
          const r = await topUpSession(db, ledger.sys, { sessionHash: s.sessionId, paymentHash: v.paymentHash, amountMsat: v.depositMsat, endpoint: SESSION_ENDPOINT, now });
          if (r.kind === 'unknown') throw new AppError('not_found', 'No session has this id.');
          if (r.kind === 'closed') throw new AppError('invalid_state', 'This session is closed; open a new one with this payment instead.');
          if (r.kind === 'other_session') throw new AppError('payment_already_used', 'This invoice already paid for something else.');
          if (r.kind === 'credited') wake(s.sessionId);
          return { status: 'ok', sessionId: s.sessionId, balanceMsat: r.balanceMsat, challengeId };
        }
        case 'close': {
          ownerOf(cred, s.sessionId, s.preimage);
          // calls answered already may still be settling here (a flat price settles after its answer): not running calls
          const open = await sessionRow(db, s.sessionId);
          if (open?.state === 'open') await ledger.settledFor(open.accountId);
          const closing = await closeSession(db, ledger.sys, { paymentHash: s.sessionId, now });
          // calls still run on it: closed to new ones, refunded with their change when the last ends
          if (closing && 'awaiting' in closing) {
            awaitingHere.add(s.sessionId);
            return { status: 'closed', sessionId: s.sessionId, refundSats: msatToSats(closing.balanceMsat), refundStatus: 'pending', challengeId };
          }
          if (closing) {
            const status = await refund(closing);
            return { status: 'closed', sessionId: s.sessionId, refundSats: msatToSats(closing.refundMsat), refundStatus: status, challengeId };
          }
          // closed before (a retried close, or the idle sweep): the same answer, nothing done again
          const row = await sessionRow(db, s.sessionId);
          if (!row) throw new AppError('not_found', 'No session has this id.');
          return await closedAnswer(row, challengeId);
        }
        case 'bearer': {
          ownerOf(cred, s.sessionId, s.preimage);
          const row = await sessionRow(db, s.sessionId);
          if (!row) throw new AppError('not_found', 'No session has this id.');
          if (row.state === 'closed') return await closedAnswer(row, challengeId);
          return { status: 'open', sessionId: row.paymentHash, balanceMsat: await ledger.balanceOf(row.accountId), challengeId };
        }
      }
    },

    /** A bearer credential on a paid route: its session, open and used now; the gate then pays from it. */
    async bearer(cred: MppCredential): Promise<string> {
      const s = cred.session;
      if (s?.action !== 'bearer') throw invalidL402(`A session's "${s?.action}" goes to ${SESSION_ENDPOINT}; paid routes take its bearer.`);
      ownerOf(cred, s.sessionId, s.preimage);
      if ((await touchSession(db, s.sessionId, deps.now())) === null) throw invalidL402('This session is closed (or unknown); open a new one.');
      return s.sessionId;
    },

    /** Whether the session is open now: read after a call's hold was taken, since a close may have committed after its bearer was checked. */
    isOpen: async (sessionId: string): Promise<boolean> => (await sessionRow(db, sessionId))?.state === 'open',

    /** The idle timeout a session challenge announces. */
    idleSeconds,

    /** Grows a call's hold on the session by up to maxMsat of its balance: the hold's new amount (null: no longer held). */
    extendHold: (holdId: bigint, sessionId: string, maxMsat: bigint) => extendSessionHold(db, { holdId, sessionHash: sessionId, maxMsat }),

    /** Calls fn whenever a top-up of the session is credited on this instance; returns the unsubscribe. */
    onTopUp(sessionId: string, fn: () => void): () => void {
      const set = paused.get(sessionId) ?? new Set();
      set.add(fn);
      paused.set(sessionId, set);
      return () => {
        set.delete(fn);
        if (set.size === 0 && paused.get(sessionId) === set) paused.delete(sessionId);
      };
    },

    /** Closes the sessions idle for idleSeconds and refunds them; idempotent across instances. */
    async expireIdle(): Promise<number> {
      const before = deps.now() - idleSeconds;
      let closed = 0;
      for (const id of await idleSessions(db, before, 100)) {
        const closing = await closeSession(db, ledger.sys, { paymentHash: id, now: deps.now(), idleBefore: before });
        // an idle close runs no call, so it never awaits one
        if (!closing || 'awaiting' in closing) continue;
        closed++;
        await refund(closing);
      }
      return closed;
    },

    /** A call paid from the session has ended: a close that awaited it may refund now. */
    async callEnded(sessionId: string): Promise<void> {
      if (awaitingHere.has(sessionId)) await finishAwaitingClose(sessionId);
    },

    /**
     * Refunds the closes whose calls have all ended (a call ended on another instance, or its hold
     * expired after a crash), sends the refunds the node could not be reached for, then looks
     * refunds whose outcome was unknown up in the wallet and settles them.
     */
    async reconcileRefunds(): Promise<number> {
      let settled = 0;
      const awaiting = await awaitingCloses(db, 100);
      for (const id of awaiting) await finishAwaitingClose(id);
      // refunded by another instance meanwhile: forgotten here
      if (awaiting.length < 100) for (const id of awaitingHere) if (!awaiting.includes(id)) awaitingHere.delete(id);
      // claimed (unsent → pending) by one instance, so each is sent once
      for (const row of await claimUnsentRefunds(db, 100)) {
        const { paymentHash, accountId, returnInvoice, returnHash } = row;
        if ((await refund({ paymentHash, accountId, returnInvoice, returnHash, refundMsat: row.refundMsat ?? 0n })) !== 'pending') settled++;
      }
      for (const row of await pendingRefunds(db, deps.now() - RECONCILE_AFTER_SECONDS, 100)) {
        let outcome: PaymentOutcome | null;
        try {
          outcome = await deps.wallet.getPayment(row.returnHash);
        } catch {
          continue;
        }
        // never sent, and the return invoice can no longer be paid: it never will be
        const expired = (tryDecodeBolt11(row.returnInvoice)?.expiresAt ?? 0) < deps.now();
        if (outcome === null && expired) outcome = { status: 'failed', paymentHash: row.returnHash, reason: 'never sent; the return invoice has expired' };
        if (outcome === null) continue;
        if ((await settle(row.paymentHash, trustedOutcome(outcome, row.returnHash))) !== 'pending') settled++;
      }
      return settled;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

/** The refund's routing fee is the operator's: at most 1% (and at least 1 sat). */
const feeCap = (msat: bigint): bigint => (msat / 100n > 1000n ? msat / 100n : 1000n);

/** A zero-amount BOLT11 invoice on the deposit's network that stays payable long after the session. */
export function checkReturnInvoice(raw: string, depositInvoice: string, now: number): { bolt11: string; paymentHash: string } {
  const bolt11 = raw.trim().replace(/^lightning:/i, '');
  const bad = (message: string) => new AppError('invalid_field_value', message, { field: 'returnInvoice' });
  const decoded = /^ln[a-z0-9]+$/i.test(bolt11) ? tryDecodeBolt11(bolt11) : null;
  if (!decoded) throw bad('returnInvoice is not a valid BOLT11 invoice.');
  const deposit = tryDecodeBolt11(depositInvoice);
  if (!deposit || decoded.network !== deposit.network) throw bad('returnInvoice is for another network than the deposit invoice.');
  if (decoded.amountMsat !== null && decoded.amountMsat !== 0n) throw bad('returnInvoice must have no amount: the refund is decided at close.');
  if (decoded.expiresAt < now + RETURN_INVOICE_MIN_SECONDS) throw bad('returnInvoice must stay payable for at least 30 days.');
  return { bolt11, paymentHash: decoded.paymentHash };
}

function depositMessage(reason: DepositFailure): string {
  switch (reason) {
    case 'foreign_realm':
      return 'This Payment credential answers a challenge of another realm.';
    case 'unsupported':
      return 'Only the Payment method "lightning" with intent "session" is accepted here.';
    case 'expired':
      return 'This session challenge has expired; request a new deposit invoice.';
    case 'preimage_mismatch':
      return 'The preimage does not match the deposit invoice of this challenge.';
    default:
      return 'This Payment credential does not answer a session challenge of ours.';
  }
}
