// The one payment gate: every paid action (a proxied call, an AI for Hire fee) is paid through
// it, by a prepaid token or an invoice credential (L402, MPP or x402: one invoice, one credential,
// whichever door it comes through); with neither, a 402 challenge offering every door. Two ways to pay:
// `secure` holds the money before an action that runs outside any transaction (settle or release
// afterwards); `identify` + `chargeInTx` pay inside the caller's own transaction, so the charge
// commits with what it paid for or not at all. Knows nothing of HTTP.
import { msatToSats, msatToSatsUp } from '../../contract/money.js';
import { AppError, dailyCapExceeded, invalidL402, invalidToken } from '../errors.js';
import { claimCredential, hashToken, postJournal, spendCredential, spendDayOf, type CallRecord, type HoldRequest, type Ledger, type ReserveResult } from '../ledger/index.js';
import type { WalletBackend } from '../lightning/backend.js';
import type { RateLimiter } from '../ratelimit.js';
import type { MppCredential } from '../mpp/header.js';
import type { Queryable } from '../store/index.js';
import { buildChallenge, type CredentialShort } from './challenge.js';
import { spentUp, unclaimed } from './l402-rail.js';
import { railContext, verifyPaid, type PaidProof } from './rail.js';
import { RecentKeys } from './recent-keys.js';
import type { AheadHold, ReserveAhead } from './reserve-ahead.js';
import type { Sessions } from './sessions.js';
import { shownAfterAlone } from './shown-after-alone.js';
import type { Credentials, PaidAction, PaymentEvents, PaymentReference, Receipt } from './types.js';

export interface GateDeps {
  ledger: Ledger;
  wallet: WalletBackend;
  rootKey: Buffer;
  now: () => number;
  credentialTtlSeconds: number;
  /** how long a token reservation may live before the sweep returns it */
  holdSeconds: number;
  limiter?: RateLimiter;
  events?: PaymentEvents;
  log?: { warn(obj: object, msg: string): void };
  /** the MPP realm our challenges name; default "alittlebitofmoney" */
  realm?: string;
  /** which 402 challenge comes first (ABL_CHALLENGE_ORDER) */
  challengeOrder?: 'l402' | 'mpp';
  /** ABL_PUBLIC_URL: where clients reach this server (x402 names the resource by it) */
  publicUrl?: string;
  /** MPP sessions: an open or a bearer credential names its open session (payments/sessions.ts) */
  sessions?: Pick<Sessions, 'act' | 'bearer' | 'isOpen' | 'extendHold' | 'onTopUp' | 'idleSeconds' | 'callEnded'>;
  /** calls paid by token take holds reserved ahead (ABL_RESERVE_AHEAD) */
  reserveAhead?: Pick<ReserveAhead, 'take' | 'giveBackFor' | 'heldHereMsat' | 'readShown'>;
}

const sessionClosed = () => invalidL402('This session is closed (or unknown); open a new one.');

/** A hold on an MPP session's account: a paused stream grows it from the session after a top-up. */
export interface SessionHold {
  sessionId: string;
  /** moves up to maxMsat more of the session's balance into the hold: its new amount (null: no longer held) */
  extend(maxMsat: bigint): Promise<bigint | null>;
  /** fn runs whenever a top-up of this session is credited on this instance; returns the unsubscribe */
  onTopUp(fn: () => void): () => void;
}

/** Money held for one action (from a token, or from an L402 credential's value) until it is settled or released. */
export interface SecuredPayment {
  kind: Receipt['kind'];
  /** what was secured: the price, or a metered call's ceiling */
  heldMsat: bigint;
  /** the token's balance with the hold taken, when a token was sent */
  balanceMsat: bigint | null;
  /** the paying token's low-balance threshold, if it set one */
  lowBalanceMsat?: bigint | null;
  /** paid from an invoice credential: which door, for the receipt */
  reference?: PaymentReference;
  /** the action happened: chargeMsat (≤ heldMsat) is kept, the rest goes back, the call is recorded; mayLinger: the answer does not wait for it */
  settle(chargeMsat: bigint, call?: CallRecord, mayLinger?: boolean): Promise<void>;
  /** the action did not happen: the money goes back */
  release(): Promise<void>;
  /** a long stream keeps its hold alive, so the sweep never returns it while it runs */
  renew(): Promise<void>;
  /** paid from an MPP session: the hold can grow from it */
  session?: SessionHold;
  /** a hold this instance reserved ahead: the balances it shows count a settlement at once, so an answer need not wait for its commit */
  reservedAhead?: true;
}

/** Who pays an in-transaction charge, decided before the transaction (checks are cheap). */
export type Payer = { kind: 'token'; accountId: bigint } | { kind: 'l402'; paymentHash: string; accountId: bigint | null; reference: PaymentReference };

const noop = async () => {};
const FREE: SecuredPayment = { kind: 'free', heldMsat: 0n, balanceMsat: null, settle: noop, release: noop, renew: noop };

export function createPaymentGate(deps: GateDeps) {
  const { ledger } = deps;
  const rails = railContext(deps);
  /** invoice credentials funded lately, as this instance saw: their next uses pay from the account at once */
  const fundedHere = new RecentKeys();

  // a metered call's price is its ceiling: it reserves that much and is charged what it uses;
  // heldMsat: what the token's calls still running hold, which comes back as they end
  const insufficient = (action: PaidAction, balanceMsat: bigint, heldMsat = 0n): AppError =>
    new AppError(
      'insufficient_balance',
      `This call ${action.changeBack ? 'may cost up to' : 'costs'} ${msatToSatsUp(action.priceMsat)} sats; the balance is ${msatToSats(balanceMsat)} sats${heldMsat > 0n ? ` (${msatToSatsUp(heldMsat)} more are held by this token's calls still running and come back as they end, less what they cost)` : ''}. Top up and retry.`,
      { balance_sats: msatToSats(balanceMsat), price_sats: msatToSatsUp(action.priceMsat), ...(heldMsat > 0n ? { held_sats: msatToSatsUp(heldMsat) } : {}) },
    );

  const holdRequest = (action: PaidAction): HoldRequest => ({ amountMsat: action.priceMsat, purpose: action.endpoint, expiresAt: deps.now() + deps.holdSeconds });

  /** One hold, whoever's account it came from: settle, release and renew are the ledger's compare-and-sets. */
  function held(kind: 'token' | 'l402', action: PaidAction, holdId: bigint, accountId: bigint, balanceMsat: bigint | null, reference?: PaymentReference, amountMsat = action.priceMsat, ahead?: AheadHold): SecuredPayment {
    let done = false;
    const label = reference?.rail ?? kind;
    return {
      kind,
      heldMsat: amountMsat,
      balanceMsat,
      ...(reference ? { reference } : {}),
      async settle(chargeMsat, call, mayLinger = false) {
        if (done) return;
        done = true;
        // a hold reserved ahead may exceed the call's ceiling: the receipt names the call's own
        const record = call && amountMsat > action.priceMsat ? { ...call, maxChargeMsat: action.priceMsat } : call;
        // a metered call from a pool reserved ahead: its change goes to the pool's change hold while there is one
        const changeTo = ahead?.changeTo;
        const settling = ledger.settle(holdId, chargeMsat, record, { payer: accountId, mayLinger, ...(changeTo ? { changeTo } : {}) });
        // the balance this instance shows counts the change at once; what reads the database waits for the commit
        ahead?.settling(chargeMsat, settling);
        if (await settling) deps.events?.charged(action.api, label, chargeMsat);
        else deps.log?.warn({ holdId: holdId.toString() }, 'hold was no longer held at settlement');
      },
      async release() {
        if (done) return;
        done = true;
        if (await (ahead ? ahead.release() : ledger.release(holdId).then((b) => b !== null))) deps.events?.refunded(action.api, label, amountMsat);
      },
      async renew() {
        if (!done) await ledger.renew(holdId, deps.now() + deps.holdSeconds);
      },
    };
  }

  async function holdFromToken(action: PaidAction, token: string): Promise<SecuredPayment> {
    const tokenHash = hashToken(token);
    if (action.aheadMsat !== undefined && deps.reserveAhead) {
      const ahead = await deps.reserveAhead.take(tokenHash, { amountMsat: action.aheadMsat, purpose: action.endpoint, api: action.api, keepChange: action.changeBack === true });
      if (ahead) return { ...held('token', action, ahead.holdId, ahead.accountId, ahead.balanceMsat, undefined, action.aheadMsat, ahead), lowBalanceMsat: ahead.lowBalanceMsat, reservedAhead: true };
    }
    let r = await ledger.reserve({ tokenHash, ...holdRequest(action), now: deps.now(), api: action.api });
    // too poor in the database: calls this instance answered may not have settled their change back yet, and
    // it may keep some of the account's money in holds taken ahead; both first, then once more
    const poor = !r.ok && r.reason === 'insufficient' ? await ledger.accountByToken(tokenHash) : null;
    if (poor && (await moneyComingBack(poor.id))) {
      r = await ledger.reserve({ tokenHash, ...holdRequest(action), now: deps.now(), api: action.api });
    }
    if (r.ok) {
      // the balance this instance shows counts what it keeps taken ahead for the account
      const shown = deps.reserveAhead ? await shownAfterAlone(deps.reserveAhead, { tokenHash, accountId: r.accountId, statementMsat: r.balanceMsat, readBalance: () => ledger.balanceOf(r.accountId) }) : r.balanceMsat;
      return { ...held('token', action, r.holdId, r.accountId, shown), lowBalanceMsat: r.lowBalanceMsat ?? null };
    }
    switch (r.reason) {
      case 'unknown_account':
        throw invalidToken(await ledger.tokenRefusal(tokenHash));
      case 'forbidden_api':
        throw new AppError('forbidden', `This token may not spend on ${action.api} (its parent limited it to other APIs).`);
      case 'daily_cap':
        // a metered call's ceiling may be above what the cap leaves: a smaller output limit helps, while something is left and the ceiling is above a sat
        throw dailyCapExceeded(
          !action.changeBack ? `This call costs ${msatToSatsUp(action.priceMsat)} sats` : `This call may cost up to ${msatToSatsUp(action.priceMsat)} sats${r.leftTodayMsat > 0n && action.priceMsat > 1000n ? ' (its ceiling; a smaller max_tokens lowers it)' : ''}`,
          r.leftTodayMsat,
          action.priceMsat,
        );
      case 'insufficient':
        throw insufficient(action, r.balanceMsat, poor ? await heldByRunningCalls(poor.id) : 0n);
    }
  }

  /** What an account's calls still running hold (in the database, less the unused holds this instance keeps for it). */
  async function heldByRunningCalls(accountId: bigint): Promise<bigint> {
    const held = (await ledger.heldOf(accountId)) - (deps.reserveAhead?.heldHereMsat(accountId) ?? 0n);
    return held > 0n ? held : 0n;
  }

  /** Waits for this instance's settlements of the account, then gives back the holds it keeps unused: true if either moved money. */
  async function moneyComingBack(accountId: bigint): Promise<boolean> {
    const settled = await ledger.settledFor(accountId);
    const ahead = deps.reserveAhead;
    const givenBack = ahead !== undefined && ahead.heldHereMsat(accountId) > 0n && (await ahead.giveBackFor(accountId));
    return settled || givenBack;
  }

  /** Funds an invoice credential with the call's hold in one statement (once, through any door); taken before: its hold from the account it funded. */
  async function fundInvoice(action: PaidAction, proof: PaidProof, hold: HoldRequest): Promise<ReserveResult> {
    const { paymentHash, valueMsat } = proof;
    const funded = await ledger.fundCredential({ paymentHash, endpoint: action.endpoint, valueMsat, now: deps.now(), hold });
    fundedHere.add(paymentHash);
    if (!funded) return ledger.reserveFromCredential({ paymentHash, ...hold }); // taken before: funded already, or single-use
    return funded.holdId === null ? { ok: false, reason: 'insufficient', balanceMsat: funded.balanceMsat } : { ok: true, holdId: funded.holdId, accountId: funded.accountId, balanceMsat: funded.balanceMsat };
  }

  /**
   * An invoice credential carries its invoice's value: funded on first use (through any door), with
   * that call's hold in the same statement, then paid from like a token. One this instance has not
   * seen funded is most likely new, so it is funded first when its proof needs no node to confirm.
   */
  async function holdFromInvoice(action: PaidAction, proof: PaidProof, creds: Credentials, client: string): Promise<SecuredPayment> {
    const { paymentHash } = proof;
    const hold = holdRequest(action);
    const fundFirst = proof.paidOnSight && !fundedHere.has(paymentHash);
    let r = fundFirst ? await fundInvoice(action, proof, hold) : await ledger.reserveFromCredential({ paymentHash, ...hold });
    if (!fundFirst && !r.ok && r.reason === 'unknown_account') {
      await proof.confirm();
      r = await fundInvoice(action, proof, hold);
    }
    // still no account: the hash is a single-use credential's (an AI for Hire fee), spent or in flight
    if (!r.ok && r.reason === 'unknown_account') throw unclaimed('spent');
    // short: a call this instance answered may not have settled yet (a flat price settles after its answer)
    if (!r.ok && r.reason === 'insufficient') {
      const accountId = await ledger.credentialAccount(paymentHash);
      if (accountId !== null && (await ledger.settledFor(accountId))) r = await ledger.reserveFromCredential({ paymentHash, ...hold });
    }
    // value its calls still running hold is not spent yet: what they leave comes back to it
    for (let tries = 1; !r.ok; tries++) {
      if (r.reason !== 'insufficient') throw spentUp();
      // the balance and the holds at one moment: a call settling between two reads would be in neither
      const value = await ledger.credentialValue(paymentHash);
      if (!value || (value.balanceMsat === 0n && value.heldMsat === 0n)) throw spentUp();
      // a call that settled since the refusal gave enough back: try again
      if (value.balanceMsat < hold.amountMsat || tries >= 3) throw await challenge(action, client, {}, value);
      r = await ledger.reserveFromCredential({ paymentHash, ...hold });
    }
    const named = creds.token === null ? null : await namedBalance(hashToken(creds.token));
    return { ...held('l402', action, r.holdId, r.accountId, named?.balanceMsat ?? null, proof.reference), lowBalanceMsat: named?.lowBalanceMsat ?? null };
  }

  /** The balance a token named beside an invoice credential shows, and its alert: as its own calls show them (this instance's unused holds counted back). */
  async function namedBalance(tokenHash: Buffer): Promise<{ balanceMsat: bigint; lowBalanceMsat: bigint | null } | null> {
    const read = () => ledger.accountByToken(tokenHash);
    const shown = deps.reserveAhead ? await deps.reserveAhead.readShown(tokenHash, read) : await read().then((account) => account && { account, shownMsat: account.balanceMsat });
    return shown && { balanceMsat: shown.shownMsat, lowBalanceMsat: shown.account.lowBalanceMsat ?? null };
  }

  /**
   * An MPP session (opened by this request, or its bearer): paid from the session's account exactly
   * as a token pays; never more than it holds. A metered stream it cannot cover whole may start on
   * what it has (at least the stream's input): the stream pauses for a top-up where it runs out.
   */
  async function holdFromSession(action: PaidAction, cred: MppCredential, sessions: NonNullable<GateDeps['sessions']>): Promise<SecuredPayment> {
    const sessionId = cred.session?.action === 'open' ? (await sessions.act(cred)).sessionId : await sessions.bearer(cred);
    const reference: PaymentReference = { rail: 'mpp', paymentHash: sessionId, challengeId: cred.challenge.id, paidAt: deps.now() };
    const r = await ledger.reserveFromSession({ paymentHash: sessionId, ...holdRequest(action) });
    if (r.ok) {
      await keptIfOpen(sessions, sessionId, r.holdId);
      return sessionPaid(held('l402', action, r.holdId, r.accountId, r.balanceMsat, reference), new SessionHoldOf(sessions, sessionId, r.holdId));
    }
    // a close that came after the bearer's check has emptied it: refused as after the close, not sent to top up
    if (!(await sessions.isOpen(sessionId))) throw sessionClosed();
    const has = r.reason === 'insufficient' ? r.balanceMsat : 0n;
    if (action.floorMsat !== undefined && has > 0n && has >= action.floorMsat) {
      const part = await ledger.reserveFromSession({ paymentHash: sessionId, ...holdRequest(action), amountMsat: has });
      if (part.ok) {
        await keptIfOpen(sessions, sessionId, part.holdId);
        return sessionPaid(held('l402', action, part.holdId, part.accountId, part.balanceMsat, reference, has), new SessionHoldOf(sessions, sessionId, part.holdId));
      }
    }
    throw new AppError('insufficient_balance', `This call may cost up to ${msatToSatsUp(action.priceMsat)} sats; the session holds ${msatToSats(has)} sats. Top it up (action "topUp") and retry.`, {
      balance_sats: msatToSats(has),
      price_sats: msatToSatsUp(action.priceMsat),
    });
  }

  /**
   * A close that came between the bearer's check and the hold (the close counted the session's
   * money without it): the hold goes back and the call is refused, as any call after the close.
   */
  async function keptIfOpen(sessions: NonNullable<GateDeps['sessions']>, sessionId: string, holdId: bigint): Promise<void> {
    if (await sessions.isOpen(sessionId)) return;
    await ledger.release(holdId);
    await sessions.callEnded(sessionId);
    throw sessionClosed();
  }

  /** A session's hold: once settled or released, a close that awaited the call may refund the session. */
  function sessionPaid(payment: SecuredPayment, hold: SessionHoldOf): SecuredPayment {
    // off the caller's path: the refund is a Lightning payment
    const ended = () => void hold.ended().catch((err: unknown) => deps.log?.warn({ err }, 'refunding a session closed during its call failed; retried by the reconcile job'));
    return {
      ...payment,
      session: hold,
      settle: (chargeMsat, call, mayLinger) => payment.settle(chargeMsat, call, mayLinger).finally(ended),
      release: () => payment.release().finally(ended),
    };
  }

  const challenge = (action: PaidAction, client: string, extra?: Record<string, unknown>, short?: CredentialShort) =>
    buildChallenge({ ...deps, rails, ...(deps.sessions ? { sessionOffer: { idleSeconds: deps.sessions.idleSeconds } } : {}) }, action, client, extra, short);

  return {
    challenge,

    /** Holds payment for the action or throws: L402 pays when present (a token beside it only names the account); else the token; else a 402. */
    async secure(action: PaidAction, creds: Credentials, client: string): Promise<SecuredPayment> {
      if (action.priceMsat === 0n) {
        // nothing to pay, but a token sent along must be one: apps check a key with a free call (GET /models)
        if (creds.token !== null && !(await ledger.accountByToken(hashToken(creds.token)))) throw invalidToken(await ledger.tokenRefusal(hashToken(creds.token)));
        return FREE;
      }
      // settlements behind (the store slower than the calls): a new call waits for them before it holds anything
      const behind = ledger.settleRoom();
      if (behind) await behind;
      if (creds.mpp?.session && deps.sessions) return holdFromSession(action, creds.mpp, deps.sessions);
      const proof = verifyPaid(rails, action, creds, false);
      if (proof) return holdFromInvoice(action, proof, creds, client);
      if (creds.token !== null) return holdFromToken(action, creds.token);
      throw await challenge(action, client);
    },

    /** Checks an invoice credential in memory (401 when wrong) without paying: a wrong credential is refused before anything else. */
    verifyCredential(action: PaidAction, creds: Credentials): void {
      verifyPaid(rails, action, creds, false);
    },

    /** Who will pay inside a transaction; null when the request carries no credential at all. */
    async identify(action: PaidAction, creds: Credentials): Promise<Payer | null> {
      if (creds.mpp?.session) throw invalidL402('An MPP session pays proxied calls; this action takes a token or a single payment (L402, MPP charge, x402).');
      const account = async (token: string) => {
        const found = await ledger.accountByToken(hashToken(token));
        if (!found) throw invalidToken(await ledger.tokenRefusal(hashToken(token)));
        if (found.child?.apis && !found.child.apis.includes(action.api)) throw new AppError('forbidden', `This token may not spend on ${action.api} (its parent limited it to other APIs).`);
        // the fee is charged from the balance in the database: holds kept unused come back first
        await deps.reserveAhead?.giveBackFor(found.id);
        return found.id;
      };
      const proof = verifyPaid(rails, action, creds, true);
      if (proof) {
        await proof.confirm();
        return { kind: 'l402', paymentHash: proof.paymentHash, accountId: creds.token === null ? null : await account(creds.token), reference: proof.reference };
      }
      return creds.token === null ? null : { kind: 'token', accountId: await account(creds.token) };
    },

    /**
     * Takes the action's price inside the caller's transaction, booked as `journalKind` (token)
     * or as a spent credential (L402). A token too poor throws InsufficientFundsError (the
     * transaction rolls back); a credential already used throws payment_already_used.
     */
    async chargeInTx(q: Queryable, action: PaidAction, payer: Payer, booking: { journalKind: string; ref: string }): Promise<void> {
      if (payer.kind === 'token') {
        await postJournal(q, {
          kind: booking.journalKind,
          ref: booking.ref,
          spendDay: spendDayOf(deps.now()),
          lines: [
            { accountId: payer.accountId, amountMsat: -action.priceMsat },
            { accountId: ledger.sys.revenue, amountMsat: action.priceMsat },
          ],
        });
        return;
      }
      const now = deps.now();
      const claim = await claimCredential(q, { paymentHash: payer.paymentHash, endpoint: action.endpoint, priceMsat: action.priceMsat, now });
      if (claim !== 'claimed') throw unclaimed(claim === 'in_use' ? 'spent' : claim);
      // claimed in this transaction, so it can be spent: both commit with the action or neither does
      if (!(await spendCredential(q, ledger.sys, { paymentHash: payer.paymentHash, now }))) throw new Error('an L402 credential claimed in this transaction could not be spent');
    },
  };
}

export type PaymentGate = ReturnType<typeof createPaymentGate>;
export type { Credentials, PaidAction, PaymentEvents, PaymentReference, Receipt } from './types.js';

// a class, not an object of closures: one is made per session-paid call, and tsx names a closure on every call
class SessionHoldOf implements SessionHold {
  constructor(
    private readonly sessions: NonNullable<GateDeps['sessions']>,
    readonly sessionId: string,
    private readonly holdId: bigint,
  ) {}

  extend(maxMsat: bigint): Promise<bigint | null> {
    return this.sessions.extendHold(this.holdId, this.sessionId, maxMsat);
  }

  onTopUp(fn: () => void): () => void {
    return this.sessions.onTopUp(this.sessionId, fn);
  }

  ended(): Promise<void> {
    return this.sessions.callEnded(this.sessionId);
  }
}
