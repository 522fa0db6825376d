// Claim secrets: a new-token invoice's requester gets one (and nobody else does). The token is
// derived from it, and the secret from the server's key and the invoice's payment hash, so the
// server keeps neither: only the SHA-256 of the derived token, which is the account's token_hash
// once the token exists. Redeeming is repeatable (a reload, another tab) and needs no preimage
// (wallets that never show one); and because the server can work the token out again, a first
// claim by preimage answers that same token, which the secret's holder can then have again.
import { createHmac } from 'node:crypto';

const PREFIX = 'ablc_';
const SHAPE = /^ablc_[A-Za-z0-9_-]{43}$/;

/** The claim secret of the new-token invoice with this payment hash; key: the server's (from its root key). */
export function claimSecretFor(key: Buffer, paymentHash: string): string {
  return `${PREFIX}${createHmac('sha256', key).update(`top-up claim secret ${paymentHash.toLowerCase()}`, 'utf8').digest('base64url')}`;
}

export function isClaimSecret(value: string): boolean {
  return SHAPE.test(value);
}

/** The token a claim secret redeems: 192 bits, the same shape as every other abl_ token. */
export function tokenFromClaimSecret(secret: string): string {
  const bytes = createHmac('sha256', secret).update('alittlebitofmoney top-up token v1').digest().subarray(0, 24);
  return `abl_${bytes.toString('base64url')}`;
}
