// Minting an MPP Lightning charge challenge for one invoice and verifying a credential that
// answers it. Pure: the key and the clock come in. The id binds realm, method, intent, request,
// expires and the endpoint; the request carries the invoice, its payment hash and its amount.
import { createHash, timingSafeEqual } from 'node:crypto';
import { bindingTag, networkOf, rfc3339, sameTag } from '../wire/binding.js';
import { decodeChargeRequest, encodeChargeRequest, type MppChallenge, type MppCredential } from './header.js';

export const MPP_METHOD = 'lightning';
export const MPP_INTENT = 'charge';
const MSAT_PER_SAT = 1000n;
const HASH_HEX = /^[0-9a-f]{64}$/;
const DIGITS = /^[1-9][0-9]{0,15}$/;

export interface MintMppInput {
  key: Buffer;
  realm: string;
  /** `<METHOD> <public path>` the credential will pay for */
  endpoint: string;
  invoice: string;
  paymentHash: string;
  /** whole sats, as every invoice we issue */
  amountMsat: bigint;
  /** Unix seconds */
  expiresAt: number;
  description?: string;
}

export function mintMppChallenge(i: MintMppInput): MppChallenge {
  if (i.amountMsat <= 0n || i.amountMsat % MSAT_PER_SAT !== 0n) throw new RangeError('amount must be whole sats');
  const request = encodeChargeRequest({
    amount: (i.amountMsat / MSAT_PER_SAT).toString(),
    currency: 'sat',
    ...(i.description ? { description: i.description } : {}),
    methodDetails: { invoice: i.invoice, paymentHash: i.paymentHash, network: networkOf(i.invoice).name },
  });
  const unsigned = { realm: i.realm, method: MPP_METHOD, intent: MPP_INTENT, request, expires: rfc3339(i.expiresAt) };
  return { id: challengeId(i.key, unsigned, i.endpoint), ...unsigned };
}

export type MppFailure = 'foreign_realm' | 'unsupported' | 'bad_binding' | 'expired' | 'malformed_request' | 'preimage_mismatch' | 'price';

export type MppVerdict = { ok: true; paymentHash: string; valueMsat: bigint; challengeId: string; expiresAt: number } | { ok: false; reason: MppFailure };

export interface VerifyMppInput {
  key: Buffer;
  realm: string;
  endpoint: string;
  credential: MppCredential;
  /** Unix seconds */
  now: number;
  /** the price this request must be covered by (single-use); unset for a value-carrying use */
  priceMsat?: bigint;
}

/** Cheapest first: the echoed params, the HMAC binding, expiry, the request, then one SHA-256. */
export function verifyMppCredential(v: VerifyMppInput): MppVerdict {
  const c = v.credential.challenge;
  if (c.realm !== v.realm) return { ok: false, reason: 'foreign_realm' };
  if (c.method !== MPP_METHOD || c.intent !== MPP_INTENT) return { ok: false, reason: 'unsupported' };
  if (c.expires === undefined || !sameTag(challengeId(v.key, { ...c, expires: c.expires }, v.endpoint), c.id)) return { ok: false, reason: 'bad_binding' };
  const expiresAt = Date.parse(c.expires) / 1000;
  if (!Number.isFinite(expiresAt) || expiresAt <= v.now) return { ok: false, reason: 'expired' };
  const request = decodeChargeRequest(c.request);
  const hash = request?.methodDetails.paymentHash;
  if (!request || request.currency !== 'sat' || !DIGITS.test(request.amount) || hash === undefined || !HASH_HEX.test(hash)) return { ok: false, reason: 'malformed_request' };
  const valueMsat = BigInt(request.amount) * MSAT_PER_SAT;
  if (v.priceMsat !== undefined && valueMsat < v.priceMsat) return { ok: false, reason: 'price' };
  const preimageHash = createHash('sha256').update(v.credential.preimage).digest();
  if (v.credential.preimage.length !== 32 || !timingSafeEqual(preimageHash, Buffer.from(hash, 'hex'))) return { ok: false, reason: 'preimage_mismatch' };
  return { ok: true, paymentHash: hash, valueMsat, challengeId: c.id, expiresAt };
}

function challengeId(key: Buffer, c: Omit<MppChallenge, 'id'> & { expires: string }, endpoint: string): string {
  return bindingTag(key, ['mpp', c.realm, c.method, c.intent, c.request, c.expires, endpoint]);
}
