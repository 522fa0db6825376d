// The one payment gate: every paid action (a proxied call, an AI for Hire fee) is paid through
// it, by a prepaid token or an L402 credential; with neither, a 402 challenge. Two ways to pay:
// `secure` holds the money before an action that runs outside any transaction (settle or release
// afterwards); `identify` + `chargeInTx` pay inside the caller's own transaction, so the charge
// commits with what it paid for or not at all. Knows nothing of HTTP.
import { msatToSats } from '../../contract/money.js';
import { AppError } from '../errors.js';
import { claimCredential, hashToken, postJournal, spendCredential, type Ledger } from '../ledger/index.js';
import type { WalletBackend } from '../lightning/backend.js';
import type { RateLimiter } from '../ratelimit.js';
import type { Queryable } from '../store/index.js';
import { buildChallenge } from './challenge.js';
import { unclaimed, verifyL402 } from './l402-rail.js';
import type { Credentials, PaidAction, PaymentEvents, Receipt } from './types.js';

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
}

/** Money (or a credential) held for one action until it is settled or released. */
export interface SecuredPayment {
  kind: Receipt['kind'];
  /** what was secured: the price (later: a metered call's ceiling) */
  heldMsat: bigint;
  /** the token's balance with the hold taken, when a token was sent */
  balanceMsat: bigint | null;
  /** the action happened: chargeMsat (≤ heldMsat) is kept, the rest goes back */
  settle(chargeMsat: bigint): Promise<void>;
  /** the action did not happen: the money or the credential goes back */
  release(): Promise<void>;
}

/** Who pays an in-transaction charge, decided before the transaction (checks are cheap). */
export type Payer = { kind: 'token'; accountId: bigint } | { kind: 'l402'; paymentHash: string; accountId: bigint | null };

const FREE: SecuredPayment = { kind: 'free', heldMsat: 0n, balanceMsat: null, settle: async () => {}, release: async () => {} };

export function createPaymentGate(deps: GateDeps) {
  const { ledger } = deps;

  const insufficient = (priceMsat: bigint, balanceMsat: bigint): AppError =>
    new AppError('insufficient_balance', `This call costs ${msatToSats(priceMsat)} sats; the balance is ${msatToSats(balanceMsat)} sats. Top up and retry.`, {
      balance_sats: msatToSats(balanceMsat),
      price_sats: msatToSats(priceMsat),
    });

  async function holdFromToken(action: PaidAction, token: string): Promise<SecuredPayment> {
    const r = await ledger.reserve({ tokenHash: hashToken(token), amountMsat: action.priceMsat, purpose: action.endpoint, expiresAt: deps.now() + deps.holdSeconds });
    if (!r.ok) throw r.reason === 'unknown_account' ? new AppError('invalid_token', 'Unknown token.') : insufficient(action.priceMsat, r.balanceMsat);
    let done = false;
    return {
      kind: 'token',
      heldMsat: action.priceMsat,
      balanceMsat: r.balanceMsat,
      async settle(chargeMsat) {
        if (done) return;
        done = true;
        if (await ledger.settle(r.holdId, chargeMsat)) deps.events?.charged(action.api, 'token', msatToSats(chargeMsat));
        else deps.log?.warn({ holdId: r.holdId.toString() }, 'hold was no longer held at settlement');
      },
      async release() {
        if (done) return;
        done = true;
        if ((await ledger.release(r.holdId)) !== null) deps.events?.refunded(action.api, 'token', msatToSats(action.priceMsat));
      },
    };
  }

  async function holdL402(action: PaidAction, creds: Credentials): Promise<SecuredPayment> {
    const now = deps.now();
    const paymentHash = verifyL402(deps.rootKey, action, creds.l402!, now);
    const claim = await ledger.claimL402({ paymentHash, endpoint: action.endpoint, priceMsat: action.priceMsat, now });
    if (claim !== 'claimed') throw unclaimed(claim);
    const named = creds.token === null ? null : await ledger.accountByToken(hashToken(creds.token));
    let done = false;
    return {
      kind: 'l402',
      heldMsat: action.priceMsat,
      balanceMsat: named?.balanceMsat ?? null,
      async settle() {
        if (done) return;
        done = true;
        if (await ledger.spendL402({ paymentHash, now: deps.now() })) deps.events?.charged(action.api, 'l402', msatToSats(action.priceMsat));
      },
      async release() {
        if (done) return;
        done = true;
        await ledger.releaseL402(paymentHash);
      },
    };
  }

  const challenge = (action: PaidAction, client: string, extra?: Record<string, unknown>) => buildChallenge(deps, action, client, extra);

  return {
    challenge,

    /** Holds payment for the action or throws: L402 pays when present (a token beside it only names the account); else the token; else a 402. */
    async secure(action: PaidAction, creds: Credentials, client: string): Promise<SecuredPayment> {
      if (action.priceMsat === 0n) return FREE;
      if (creds.l402) return holdL402(action, creds);
      if (creds.token !== null) return holdFromToken(action, creds.token);
      throw await challenge(action, client);
    },

    /** Who will pay inside a transaction; null when the request carries no credential at all. */
    async identify(action: PaidAction, creds: Credentials): Promise<Payer | null> {
      const account = async (token: string) => {
        const found = await ledger.accountByToken(hashToken(token));
        if (!found) throw new AppError('invalid_token', 'Unknown token.');
        return found.id;
      };
      if (creds.l402) {
        const paymentHash = verifyL402(deps.rootKey, action, creds.l402, deps.now());
        return { kind: 'l402', paymentHash, accountId: creds.token === null ? null : await account(creds.token) };
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
export type { Credentials, PaidAction, PaymentEvents, Receipt } from './types.js';
