// Typed errors carrying a contract code and data; server/http/errors.ts alone turns them into
// statuses, headers and JSON bodies.
import type { ErrorCode } from '../contract/errors.js';
import { msatToSats, msatToSatsUp } from '../contract/money.js';
import type { MppChallenge } from './mpp/header.js';
import type { X402PaymentRequired } from './x402/header.js';

export interface ErrorDetails {
  field?: string;
  balance_sats?: number;
  price_sats?: number;
  /** insufficient_balance refused by a limit, not the balance: a top-up does not help */
  limit?: 'daily_cap';
  /** insufficient_balance on a withdrawal: the largest invoice the balance can pay with its routing-fee reserve */
  max_amount_sats?: number;
  /** insufficient_balance on a paid call: what the token's calls still running hold (it comes back as they end) */
  held_sats?: number;
}

/**
 * A child token's daily cap refused a debit its balance would pay: `lead` says what costs how much
 * ("This call may cost 30 sats"); `balance_sats` is what it may still spend today.
 */
export function dailyCapExceeded(lead: string, leftTodayMsat: bigint, priceMsat: bigint): AppError {
  return new AppError('insufficient_balance', `${lead}; this token may spend ${msatToSats(leftTodayMsat)} more sats today (its daily cap).`, {
    balance_sats: msatToSats(leftTodayMsat),
    price_sats: msatToSatsUp(priceMsat),
    limit: 'daily_cap',
  });
}

const TOKEN_REFUSALS = {
  unknown: 'Unknown token.',
  revoked: 'This token was revoked by its parent (what it had left went back to the parent); ask the parent for a new one.',
  expired: 'This token has expired (its parent gave it an end date); ask the parent for a new one.',
} as const;

/** 401 invalid_token saying why: a child token revoked or expired is told so, not "unknown". */
export function invalidToken(why: keyof typeof TOKEN_REFUSALS = 'unknown'): AppError {
  return new AppError('invalid_token', TOKEN_REFUSALS[why]);
}

/** What a 402 offers: one invoice, through each door (http/ writes the challenge lines and headers). */
export interface PaymentChallenge {
  macaroonB64: string;
  invoice: string;
  /** which challenge line comes first: LSAT/L402 (default) or MPP's Payment */
  first?: 'l402' | 'mpp';
  /** MPP: the Lightning charge challenge for the same invoice */
  mpp?: MppChallenge;
  /** the MPP session intent on the same invoice: a client may open a session with it instead */
  session?: MppChallenge;
  /** x402 v2: PAYMENT-REQUIRED for the same invoice */
  x402?: X402PaymentRequired;
}

/** Data beyond the body that a client acts on; http/ decides how it travels (headers). */
export interface ErrorData {
  /** rate_limited: how long to wait */
  retryAfterSeconds?: number;
  /** payment_required (and a 402 with a fresh challenge) */
  challenge?: PaymentChallenge;
  /** method_not_allowed: the methods the path takes */
  allow?: string[];
  /** payment_required for an MPP session: the session challenge (a deposit invoice) */
  sessionChallenge?: MppChallenge;
  /** invalid_payment raised by an invoice credential, L402, MPP or x402 (the contract answers it 401, not 400) */
  l402?: boolean;
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    /** fields a client must act on, placed beside `error` (invoice, macaroon, token...) */
    readonly topLevel: Record<string, unknown> = {},
    readonly data: ErrorData = {},
  ) {
    super(message);
  }
}

/** A bad L402 credential: invalid_payment, answered 401 as the contract says. */
export const invalidL402 = (message: string): AppError => new AppError('invalid_payment', message, {}, {}, { l402: true });

export const notFound = (what = 'not found'): AppError => new AppError('not_found', what);

export const rateLimited = (message: string, retryAfterSeconds: number): AppError => new AppError('rate_limited', message, {}, {}, { retryAfterSeconds });
