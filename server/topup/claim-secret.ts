// Claim secrets: a new-token invoice's requester gets one (and nobody else does). The token is
// derived from it, so the server keeps neither: only the SHA-256 of the derived token, which is
// the account's token_hash once the token exists. Redeeming is repeatable (a reload, another
// tab) and needs no preimage (wallets that never show one).
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'ablc_';
const SHAPE = /^ablc_[A-Za-z0-9_-]{43}$/;

export function newClaimSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function isClaimSecret(value: string): boolean {
  return SHAPE.test(value);
}

/** The token a claim secret redeems: 192 bits, the same shape as every other abl_ token. */
export function tokenFromClaimSecret(secret: string): string {
  const bytes = createHmac('sha256', secret).update('alittlebitofmoney top-up token v1').digest().subarray(0, 24);
  return `abl_${bytes.toString('base64url')}`;
}
