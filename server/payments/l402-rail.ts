// Paying with an L402 credential: verified in memory (HMAC chain, preimage, caveats), then
// claimed in the store so that it pays once on every instance.
import { AppError, invalidL402 } from '../errors.js';
import type { L402Authorization } from '../l402/header.js';
import { verifyCredential, type VerifyFailureReason } from '../l402/mint.js';
import type { ClaimOutcome } from '../ledger/index.js';
import type { PaidAction } from './types.js';

/** The credential's payment hash, or invalid_payment (401) saying what is wrong with it. */
export function verifyL402(rootKey: Buffer, action: PaidAction, cred: L402Authorization, now: number): string {
  const verdict = verifyCredential({ rootKey, macaroon: cred.macaroon, preimage: cred.preimage, api: action.api, endpoint: action.endpoint, priceMsat: action.priceMsat, now });
  if (!verdict.ok) throw invalidL402(l402Message(verdict.reason));
  return verdict.paymentHash;
}

/** A value-carrying credential (the proxy): its payment hash and what its invoice was worth. */
export function verifyL402Value(rootKey: Buffer, action: PaidAction, cred: L402Authorization, now: number): { paymentHash: string; valueMsat: bigint } {
  const verdict = verifyCredential({ rootKey, macaroon: cred.macaroon, preimage: cred.preimage, api: action.api, endpoint: action.endpoint, now });
  if (!verdict.ok) throw invalidL402(l402Message(verdict.reason));
  return { paymentHash: verdict.paymentHash, valueMsat: verdict.valueMsat };
}

/** A funded credential with nothing left: it bought what it could. */
export const spentUp = (): AppError => new AppError('payment_already_used', 'This credential (its invoice, whichever door it came through) has been spent; pay a new invoice.');

/** A claim that did not succeed: spent for good, or paying another request right now. */
export function unclaimed(claim: Exclude<ClaimOutcome, 'claimed'>): AppError {
  return new AppError('payment_already_used', claim === 'spent' ? 'This credential (its invoice, whichever door it came through) was already used; pay a new invoice.' : 'This credential is in use by another request.');
}

function l402Message(reason: VerifyFailureReason): string {
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
