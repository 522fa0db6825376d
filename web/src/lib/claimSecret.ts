// A claim secret (the answer that makes a new token's invoice carries one) and a claim by it refused, in the person's words.
import type { ApiError } from '../api/errors';

/** As the server gives them out: `ablc_` and 43 base64url characters. */
export function isClaimSecret(input: string): boolean {
  return /^ablc_[A-Za-z0-9_-]{43}$/.test(input.trim());
}

export interface ClaimRefusalWords {
  /** instead of the server's message, which names its JSON field */
  message?: string;
  next: string;
}

/** What a refused claim by claim secret says: a claim secret comes with its invoice, never from a wallet (no preimage advice). */
export function claimSecretRefusal(error: ApiError, secret: string): ClaimRefusalWords | null {
  if (error.code !== 'invalid_payment') return null;
  if (!isClaimSecret(secret)) {
    return {
      message: 'This claim secret is not one this server gave out; check you copied it whole.',
      next: 'A claim secret is shown with its invoice when the invoice is made (on this page, or in the answer to `POST /api/v1/topup`); a wallet never shows one.',
    };
  }
  // the server's own words here ("does not redeem this invoice", "not paid yet") need no translation
  return { next: 'A claim secret redeems only the invoice it came with, and only once that invoice is paid: check the payment hash beside it.' };
}
