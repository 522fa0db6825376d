// Securing payment for one paid action before it runs: a prepaid token (reserve now,
// settle or release later) or an L402 credential (verified, claimed single-use); with
// neither, a 402 challenge with a fresh invoice. Knows nothing of HTTP.
import { msatToSats } from '../../contract/money.js';
import { AppError, invalidL402 } from '../errors.js';
import type { L402Authorization } from '../l402/header.js';
import { mintChallenge, verifyCredential } from '../l402/mint.js';
import { hashToken, type Ledger } from '../ledger/index.js';
import { WalletUnavailableError, type WalletBackend } from '../lightning/backend.js';
import type { RateLimiter } from '../ratelimit.js';
import { claimCredential, releaseCredential, spendCredential } from './credentials.js';

export interface PaidAction {
  /** the service caveat, e.g. "openai" or "ai-for-hire" */
  api: string;
  /** `<METHOD> <public path>`, bound into the credential */
  endpoint: string;
  priceMsat: bigint;
  /** shown in the invoice description (≤ 128 characters) */
  description: string;
}

export interface Credentials {
  token: string | null;
  l402: L402Authorization | null;
}

export interface SecuredPayment {
  kind: 'free' | 'token' | 'l402';
  chargedSats: number;
  /** the token's balance once this charge is taken (token path), if a token was sent */
  balanceMsat: bigint | null;
  /** the action happened (the upstream served): the charge is final */
  commit(): Promise<void>;
  /** the action did not happen: the money or the credential goes back */
  release(): Promise<void>;
}

/** What the gate reports as it works (metrics); optional, never on the critical path. */
export interface PaymentEvents {
  challenged(api: string): void;
  charged(api: string, kind: 'token' | 'l402', sats: number): void;
  refunded(api: string, kind: 'token' | 'l402', sats: number): void;
  walletFailed(operation: string): void;
}

export interface GateDeps {
  ledger: Ledger;
  wallet: WalletBackend;
  rootKey: Buffer;
  now: () => number;
  credentialTtlSeconds: number;
  /** how long a token reservation may live before the sweep returns it */
  holdSeconds: number;
  /** invoices cost the node work: creating one is rate-limited per client */
  limiter?: RateLimiter;
  events?: PaymentEvents;
  log?: { warn(obj: object, msg: string): void };
}

const noop = async () => {};

export function createPaymentGate(deps: GateDeps) {
  const { ledger } = deps;
  const warn = (obj: object, msg: string) => deps.log?.warn(obj, msg);

  async function payWithToken(action: PaidAction, token: string): Promise<SecuredPayment> {
    const r = await ledger.reserve({ tokenHash: hashToken(token), amountMsat: action.priceMsat, purpose: action.endpoint, expiresAt: deps.now() + deps.holdSeconds });
    if (!r.ok) {
      if (r.reason === 'unknown_account') throw new AppError('invalid_token', 'Unknown token.');
      throw new AppError('insufficient_balance', `This call costs ${msatToSats(action.priceMsat)} sats; the balance is ${msatToSats(r.balanceMsat)} sats. Top up and retry.`, {
        balance_sats: msatToSats(r.balanceMsat),
        price_sats: msatToSats(action.priceMsat),
      });
    }
    let done = false;
    return {
      kind: 'token',
      chargedSats: msatToSats(action.priceMsat),
      balanceMsat: r.balanceMsat,
      async commit() {
        if (done) return;
        done = true;
        if (await ledger.settle(r.holdId, action.priceMsat)) deps.events?.charged(action.api, 'token', msatToSats(action.priceMsat));
        else warn({ holdId: r.holdId.toString() }, 'hold was no longer held at settlement');
      },
      async release() {
        if (done) return;
        done = true;
        if ((await ledger.release(r.holdId)) !== null) deps.events?.refunded(action.api, 'token', msatToSats(action.priceMsat));
      },
    };
  }

  async function payWithL402(action: PaidAction, cred: L402Authorization, token: string | null): Promise<SecuredPayment> {
    const now = deps.now();
    const verdict = verifyCredential({ rootKey: deps.rootKey, macaroon: cred.macaroon, preimage: cred.preimage, api: action.api, endpoint: action.endpoint, priceMsat: action.priceMsat, now });
    if (!verdict.ok) throw invalidL402(l402Message(verdict.reason));
    const claim = await claimCredential(ledger.db, { paymentHash: verdict.paymentHash, endpoint: action.endpoint, priceMsat: action.priceMsat, now });
    if (claim !== 'claimed') {
      throw new AppError('payment_already_used', claim === 'spent' ? 'This L402 credential was already used; pay a new invoice.' : 'This L402 credential is in use by another request.');
    }
    let balanceMsat: bigint | null = null;
    if (token !== null) {
      const acct = await ledger.db.query<{ balance_msat: bigint }>(`SELECT balance_msat FROM accounts WHERE token_hash = $1 AND kind = 'user'`, [hashToken(token)]);
      balanceMsat = acct.rows[0]?.balance_msat ?? null;
    }
    let done = false;
    return {
      kind: 'l402',
      chargedSats: msatToSats(action.priceMsat),
      balanceMsat,
      async commit() {
        if (done) return;
        done = true;
        if (await spendCredential(ledger.db, ledger.sys, { paymentHash: verdict.paymentHash, now: deps.now() })) {
          deps.events?.charged(action.api, 'l402', msatToSats(action.priceMsat));
        }
      },
      async release() {
        if (done) return;
        done = true;
        await releaseCredential(ledger.db, verdict.paymentHash);
      },
    };
  }

  /** Builds the 402 answer: a fresh invoice and a macaroon bound to this action. */
  async function challenge(action: PaidAction, client: string, extra: Record<string, unknown> = {}): Promise<AppError> {
    await deps.limiter?.check('invoice', client);
    let invoice;
    try {
      invoice = await deps.wallet.createInvoice({ amountMsat: action.priceMsat, description: action.description.slice(0, 128), expirySeconds: deps.credentialTtlSeconds, externalId: 'l402' });
    } catch (err) {
      if (err instanceof WalletUnavailableError) deps.events?.walletFailed('createInvoice');
      if (err instanceof WalletUnavailableError) return new AppError('topup_unavailable', 'The Lightning node cannot be reached right now; try again shortly.');
      throw err;
    }
    const minted = mintChallenge({
      rootKey: deps.rootKey,
      paymentHash: Buffer.from(invoice.paymentHash, 'hex'),
      api: action.api,
      endpoint: action.endpoint,
      priceMsat: action.priceMsat,
      now: deps.now(),
      ttlSeconds: deps.credentialTtlSeconds,
    });
    const expiresAt = Math.min(minted.expiresAt, invoice.expiresAt);
    deps.events?.challenged(action.api);
    return new AppError(
      'payment_required',
      `Payment required: pay the invoice (${msatToSats(action.priceMsat)} sats) and retry with "Authorization: L402 <macaroon>:<preimage>", or send a prepaid X-Token.`,
      {},
      { invoice: invoice.bolt11, payment_hash: invoice.paymentHash, amount_sats: msatToSats(action.priceMsat), macaroon: minted.macaroonB64, expires_at: expiresAt, ...extra },
      { challenge: { macaroonB64: minted.macaroonB64, invoice: invoice.bolt11 } },
    );
  }

  return {
    challenge,
    /**
     * Secures payment for the action or throws: L402 pays when present (a token beside it
     * only names the account); else the token pays; else a 402 challenge.
     */
    async secure(action: PaidAction, creds: Credentials, client: string): Promise<SecuredPayment> {
      if (action.priceMsat === 0n) return { kind: 'free', chargedSats: 0, balanceMsat: null, commit: noop, release: noop };
      if (creds.l402) return payWithL402(action, creds.l402, creds.token);
      if (creds.token !== null) return payWithToken(action, creds.token);
      throw await challenge(action, client);
    },
  };
}

export type PaymentGate = ReturnType<typeof createPaymentGate>;

function l402Message(reason: string): string {
  switch (reason) {
    case 'preimage_mismatch':
      return 'The preimage does not match the invoice this macaroon was issued for.';
    case 'expired':
      return 'This L402 credential has expired; request a new invoice.';
    case 'wrong_endpoint':
    case 'wrong_service':
      return 'This L402 credential was issued for another endpoint.';
    case 'price':
      return 'This L402 credential was issued for a lower price than this request costs.';
    default:
      return 'The L402 credential is not valid.';
  }
}
