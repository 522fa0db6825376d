// Minting an L402 challenge macaroon and verifying a paid credential. Pure: the clock, the root
// key and the random source come in as parameters; nothing here touches the network or the store
// (single use is the caller's job: it marks the payment hash spent once the upstream served).
import { createHash, randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase64Std } from './base64.js';
import { bindingCaveats, checkCaveats, type CaveatFailure } from './caveats.js';
import { L402FormatError } from './errors.js';
import { decodeIdentifier, encodeIdentifier, PAYMENT_HASH_BYTES, TOKEN_ID_BYTES, type L402Identifier } from './identifier.js';
import { mintMacaroon, parseMacaroon, verifySignature, type ParsedMacaroon } from './macaroon.js';

/** Aperture's macaroon location; clients do not read it, we require it. */
export const MACAROON_LOCATION = 'lsat';
export const MIN_ROOT_KEY_BYTES = 32;
const PREIMAGE_BYTES = 32;
// Unix seconds fit in uint32 until 2106; a millisecond clock passed by mistake does not
const MAX_UNIX_SECONDS = 0xffffffff;

export interface MintChallengeInput {
  rootKey: Buffer;
  paymentHash: Buffer;
  api: string;
  /** `<METHOD> <public path>`, e.g. `POST /api/v1/openai/v1/chat/completions` */
  endpoint: string;
  priceMsat: bigint;
  /** Unix seconds */
  now: number;
  ttlSeconds: number;
  randomBytes?: (size: number) => Buffer;
}

export interface MintedChallenge {
  macaroon: Buffer;
  /** standard padded base64, as it goes into WWW-Authenticate */
  macaroonB64: string;
  tokenId: Buffer;
  /** Unix seconds; the `<api>_valid_until` caveat */
  expiresAt: number;
}

export function mintChallenge(input: MintChallengeInput): MintedChallenge {
  if (input.rootKey.length < MIN_ROOT_KEY_BYTES) throw new RangeError('root key must be at least 32 bytes');
  if (input.paymentHash.length !== PAYMENT_HASH_BYTES) throw new RangeError('payment hash must be 32 bytes');
  assertUnixSeconds(input.now, 'now');
  if (!Number.isSafeInteger(input.ttlSeconds) || input.ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer');

  const tokenId = (input.randomBytes ?? cryptoRandomBytes)(TOKEN_ID_BYTES);
  if (tokenId.length !== TOKEN_ID_BYTES) throw new RangeError('randomBytes returned the wrong size');
  const expiresAt = input.now + input.ttlSeconds;
  const macaroon = mintMacaroon({
    rootKey: input.rootKey,
    identifier: encodeIdentifier(input.paymentHash, tokenId),
    location: MACAROON_LOCATION,
    caveats: bindingCaveats({ api: input.api, endpoint: input.endpoint, priceMsat: input.priceMsat, validUntil: expiresAt }),
  });
  return { macaroon, macaroonB64: encodeBase64Std(macaroon), tokenId, expiresAt };
}

export interface VerifyCredentialInput {
  rootKey: Buffer;
  macaroon: Buffer;
  preimage: Buffer;
  api: string;
  endpoint: string;
  /** the price this request costs now; unset for a value-carrying credential (the store checks) */
  priceMsat?: bigint;
  /** Unix seconds */
  now: number;
}

export type VerifyFailureReason =
  | 'malformed'
  | 'third_party_caveat'
  | 'wrong_location'
  | 'preimage_mismatch'
  | 'bad_signature'
  | CaveatFailure;

export type VerifyCredentialResult =
  | { ok: true; paymentHash: string; tokenId: string; expiresAt: number; /** the invoice amount it was minted for (or a narrower caveat) */ valueMsat: bigint }
  | { ok: false; reason: VerifyFailureReason };

/**
 * Checks, cheapest first: shapes and parsing (no crypto), one SHA-256 of the preimage, caveats
 * (string compares), then the HMAC chain (one HMAC for the identifier and one per caveat).
 * Every reason maps to one 401 `invalid_payment` for the client and is only for logs; a caveat
 * reason says nothing about the signature, which is checked last. Never throws on credential bytes.
 */
export function verifyCredential(input: VerifyCredentialInput): VerifyCredentialResult {
  if (input.preimage.length !== PREIMAGE_BYTES) return reject('malformed');

  const read = readMacaroon(input.macaroon);
  if (typeof read === 'string') return reject(read);
  const { parsed, identifier } = read;
  if (parsed.location !== MACAROON_LOCATION) return reject('wrong_location');

  const preimageHash = createHash('sha256').update(input.preimage).digest();
  if (!timingSafeEqual(preimageHash, identifier.paymentHash)) return reject('preimage_mismatch');

  const caveats = checkCaveats(parsed.caveats, {
    api: input.api,
    endpoint: input.endpoint,
    ...(input.priceMsat !== undefined ? { priceMsat: input.priceMsat } : {}),
    now: input.now,
  });
  if (!caveats.ok) return reject(caveats.reason);

  if (!verifySignature(parsed, input.rootKey)) return reject('bad_signature');
  return {
    ok: true,
    paymentHash: identifier.paymentHash.toString('hex'),
    tokenId: identifier.tokenId.toString('hex'),
    expiresAt: caveats.expiresAt,
    valueMsat: caveats.maxPriceMsat,
  };
}

function readMacaroon(bytes: Buffer): { parsed: ParsedMacaroon; identifier: L402Identifier } | VerifyFailureReason {
  try {
    const parsed = parseMacaroon(bytes);
    return { parsed, identifier: decodeIdentifier(parsed.identifier) };
  } catch (error) {
    if (!(error instanceof L402FormatError)) throw error;
    return error.code === 'third_party_caveat' ? 'third_party_caveat' : 'malformed';
  }
}

function reject(reason: VerifyFailureReason): VerifyCredentialResult {
  return { ok: false, reason };
}

function assertUnixSeconds(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_UNIX_SECONDS) {
    throw new RangeError(`${name} must be Unix seconds`);
  }
}
