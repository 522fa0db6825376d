// The 402 answer: a fresh invoice for the action's price, offered through every door at once —
// a macaroon bound to it (L402), an MPP Lightning charge challenge and an x402 `exact` entry.
import { msatToSats, msatToSatsUp } from '../../contract/money.js';
import { AppError } from '../errors.js';
import { mintChallenge } from '../l402/mint.js';
import { WalletUnavailableError, type WalletBackend } from '../lightning/backend.js';
import { mintMppChallenge } from '../mpp/binding.js';
import { mintSessionChallenge } from '../mpp/session.js';
import type { RateLimiter } from '../ratelimit.js';
import { mintX402Requirements } from '../x402/binding.js';
import { X402_VERSION, type X402PaymentRequired } from '../x402/header.js';
import type { RailContext } from './rail.js';
import { SESSION_ENDPOINT } from './session-endpoint.js';
import type { PaidAction, PaymentEvents } from './types.js';

export interface ChallengeDeps {
  wallet: WalletBackend;
  rootKey: Buffer;
  now: () => number;
  credentialTtlSeconds: number;
  /** invoices cost the node work: creating one is rate-limited per client */
  limiter?: RateLimiter;
  events?: PaymentEvents;
  rails: Pick<RailContext, 'mppKey' | 'x402Key' | 'realm'>;
  challengeOrder?: 'l402' | 'mpp';
  /** MPP sessions are on: a session-payable action's 402 offers the session intent (its idle timeout) */
  sessionOffer?: { idleSeconds: number };
  /** ABL_PUBLIC_URL: x402's resource.url is absolute under it (else the path alone) */
  publicUrl?: string;
}

/** A credential that holds something, but not enough now: what it has, and what its calls still running hold. */
export interface CredentialShort {
  balanceMsat: bigint;
  heldMsat?: bigint;
}

/**
 * Returns (does not throw) payment_required with the challenge, or topup_unavailable. `short`
 * makes it 402 insufficient_balance instead: a credential that holds something, but not enough.
 */
export async function buildChallenge(
  deps: ChallengeDeps,
  action: PaidAction,
  client: string,
  extra: Record<string, unknown> = {},
  short?: CredentialShort,
): Promise<AppError> {
  await deps.limiter?.check('invoice', client);
  let invoice;
  try {
    invoice = await deps.wallet.createInvoice({ amountMsat: action.priceMsat, description: action.description.slice(0, 128), expirySeconds: deps.credentialTtlSeconds, externalId: 'l402' });
  } catch (err) {
    if (!(err instanceof WalletUnavailableError)) throw err;
    deps.events?.walletFailed('createInvoice');
    return new AppError('topup_unavailable', 'The Lightning node cannot be reached right now; try again shortly.');
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
  const sats = msatToSats(action.priceMsat);
  const now = deps.now();
  const expiresAt = Math.min(minted.expiresAt, invoice.expiresAt);
  const bound = { endpoint: action.endpoint, invoice: invoice.bolt11, paymentHash: invoice.paymentHash, amountMsat: invoice.amountMsat, expiresAt };
  const mpp = mintMppChallenge({ key: deps.rails.mppKey, realm: deps.rails.realm, ...bound });
  // the same invoice as a session deposit, bound to the session endpoint (open or top up anywhere)
  const session =
    action.sessions && deps.sessionOffer
      ? mintSessionChallenge({ key: deps.rails.mppKey, realm: deps.rails.realm, endpoint: SESSION_ENDPOINT, unitSats: 1n, invoice: invoice.bolt11, paymentHash: invoice.paymentHash, depositMsat: invoice.amountMsat, idleTimeoutSeconds: deps.sessionOffer.idleSeconds, expiresAt })
      : undefined;
  const path = action.endpoint.slice(action.endpoint.indexOf(' ') + 1);
  const x402: X402PaymentRequired = {
    x402Version: X402_VERSION,
    error: 'payment_required',
    resource: { url: deps.publicUrl ? new URL(path, deps.publicUrl).href : path, description: action.description, mimeType: 'application/json' },
    accepts: [mintX402Requirements({ key: deps.rails.x402Key, ...bound, now })],
  };
  deps.events?.challenged(action.api);
  const has = short ? msatToSats(short.balanceMsat) : 0;
  const held = short?.heldMsat ? msatToSatsUp(short.heldMsat) : 0;
  return new AppError(
    short ? 'insufficient_balance' : 'payment_required',
    short
      ? `This request may cost up to ${sats} sats; this credential has ${has} sats left` +
          (held > 0 ? ` now, and ${held} sats reserved by its calls still running, whose unused part comes back to it as they end (retry then).` : '.') +
          ' Pay the new invoice and retry with its credential.'
      : `Payment required: pay the invoice (${sats} sats) and retry with "Authorization: L402 <macaroon>:<preimage>" (or the MPP Payment credential, or PAYMENT-SIGNATURE for x402), or send a prepaid X-Token.`,
    short ? { balance_sats: has, price_sats: sats, ...(held > 0 ? { held_sats: held } : {}) } : {},
    { invoice: invoice.bolt11, payment_hash: invoice.paymentHash, amount_sats: sats, macaroon: minted.macaroonB64, expires_at: expiresAt, ...extra },
    { challenge: { macaroonB64: minted.macaroonB64, invoice: invoice.bolt11, first: deps.challengeOrder ?? 'l402', mpp, ...(session ? { session } : {}), x402 } },
  );
}
