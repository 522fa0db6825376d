// Aperture's L402 macaroon identifier, version 0 (l402/identifier.go):
// uint16 big-endian version = 0 | payment_hash (32 bytes) | token_id (32 bytes) = 66 bytes.
import { L402FormatError } from './errors.js';

export const IDENTIFIER_VERSION = 0;
export const PAYMENT_HASH_BYTES = 32;
export const TOKEN_ID_BYTES = 32;
export const IDENTIFIER_BYTES = 2 + PAYMENT_HASH_BYTES + TOKEN_ID_BYTES;

export interface L402Identifier {
  version: typeof IDENTIFIER_VERSION;
  paymentHash: Buffer;
  tokenId: Buffer;
}

export function encodeIdentifier(paymentHash: Uint8Array, tokenId: Uint8Array): Buffer {
  if (paymentHash.length !== PAYMENT_HASH_BYTES) throw new RangeError('payment hash must be 32 bytes');
  if (tokenId.length !== TOKEN_ID_BYTES) throw new RangeError('token id must be 32 bytes');
  const out = Buffer.alloc(IDENTIFIER_BYTES);
  out.writeUInt16BE(IDENTIFIER_VERSION, 0);
  out.set(paymentHash, 2);
  out.set(tokenId, 2 + PAYMENT_HASH_BYTES);
  return out;
}

/** Strict: exactly 66 bytes and version 0 (Go's decoder tolerates trailing bytes; we do not). */
export function decodeIdentifier(bytes: Uint8Array): L402Identifier {
  if (bytes.length !== IDENTIFIER_BYTES) {
    throw new L402FormatError('bad_identifier', `identifier is ${bytes.length} bytes, expected ${IDENTIFIER_BYTES}`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = buf.readUInt16BE(0);
  if (version !== IDENTIFIER_VERSION) throw new L402FormatError('bad_identifier', `unknown identifier version ${version}`);
  return {
    version: IDENTIFIER_VERSION,
    paymentHash: Buffer.from(buf.subarray(2, 2 + PAYMENT_HASH_BYTES)),
    tokenId: Buffer.from(buf.subarray(2 + PAYMENT_HASH_BYTES)),
  };
}
