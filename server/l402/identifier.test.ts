import { describe, expect, it } from 'vitest';
import { L402FormatError } from './errors.js';
import { decodeIdentifier, encodeIdentifier, IDENTIFIER_BYTES } from './identifier.js';

const paymentHash = Buffer.alloc(32, 0x11);
const tokenId = Buffer.alloc(32, 0x22);

describe('identifier v0', () => {
  it('is 66 bytes: 0x0000 | payment hash | token id', () => {
    const id = encodeIdentifier(paymentHash, tokenId);
    expect(id.length).toBe(IDENTIFIER_BYTES);
    expect(IDENTIFIER_BYTES).toBe(66);
    expect(id.toString('hex')).toBe(`0000${'11'.repeat(32)}${'22'.repeat(32)}`);
  });

  it('round-trips', () => {
    const decoded = decodeIdentifier(encodeIdentifier(paymentHash, tokenId));
    expect(decoded.version).toBe(0);
    expect(decoded.paymentHash.equals(paymentHash)).toBe(true);
    expect(decoded.tokenId.equals(tokenId)).toBe(true);
  });

  it('encodes only 32-byte hashes and token ids', () => {
    expect(() => encodeIdentifier(Buffer.alloc(31), tokenId)).toThrow(RangeError);
    expect(() => encodeIdentifier(paymentHash, Buffer.alloc(33))).toThrow(RangeError);
  });

  it('decodes only exactly 66 bytes of version 0', () => {
    const good = encodeIdentifier(paymentHash, tokenId);
    const bad = [
      good.subarray(0, 65),
      Buffer.concat([good, Buffer.of(0)]),
      Buffer.alloc(0),
      Buffer.concat([Buffer.of(0, 1), good.subarray(2)]),
      Buffer.concat([Buffer.of(1, 0), good.subarray(2)]),
    ];
    for (const bytes of bad) {
      expect(() => decodeIdentifier(bytes)).toThrow(L402FormatError);
    }
  });

  it('returns copies that do not alias the input', () => {
    const good = encodeIdentifier(paymentHash, tokenId);
    const decoded = decodeIdentifier(good);
    good.fill(0);
    expect(decoded.paymentHash.equals(paymentHash)).toBe(true);
  });
});
