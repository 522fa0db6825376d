import { createHmac, randomBytes } from 'node:crypto';
import macaroonLib from 'macaroon';
import { describe, expect, it } from 'vitest';
import { decodeBase64Loose } from './base64.js';
import { L402FormatError } from './errors.js';
import { decodeIdentifier } from './identifier.js';
import {
  computeSignature,
  MACAROON_LIMITS,
  mintMacaroon,
  parseMacaroon,
  serializeMacaroon,
  verifySignature,
} from './macaroon.js';

const rootKey = Buffer.from('0f'.repeat(32), 'hex');
const identifier = Buffer.concat([Buffer.of(0, 0), Buffer.alloc(32, 0xaa), Buffer.alloc(32, 0xbb)]);
const caveats = ['services=openai:0', 'openai_valid_until=1700000600', 'endpoint=POST /api/v1/openai/v1/chat/completions', 'max_price_msat=30000'];

function mintOurs(): Buffer {
  return mintMacaroon({ rootKey, identifier, location: 'lsat', caveats });
}

function formatCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof L402FormatError) return error.code;
    throw error;
  }
  return 'no error';
}

// Macaroons served by real Aperture / Go servers, as published in lsat-js tests/data.ts.
const APERTURE_MACAROON =
  'AgEEbHNhdAJCAAAwpHpumws6ufQoDwiTLNcge0QPUIWA0+tVY+tKPYAJ/zSfmEGlIpNm3VzxuzCqLhEp5KGiyPLUM9L+kcB7uzS+AAIPc2VydmljZXM9bWVtZTowAAISbWVtZV9jYXBhYmlsaXRpZXM9AAAGILA1VCEIExukt4nG+XR9tX8WJ2BVMiHG3UNt1uYJ+NRD';
const GO_MACAROON =
  'AgESMy4xMzYuMTc4LjE1OjM0MjM4AkIAAD2b0rX78LATiVo8bKgHuurefeF5OeX2H5ZuacBIK3+RAR1PKU1oZpfCZFib4zdDoj0pOpgPmhtuzNllU+y//D0AAAYgcWFs9FIteCzpCcEPSwmXKBpcx97hyL5Yt99cbLjRHzU=';

describe('signature chain', () => {
  it('is HMAC-SHA256 keyed by HMAC("macaroons-key-generator", rootKey), then one HMAC per caveat', () => {
    const derived = createHmac('sha256', 'macaroons-key-generator').update(rootKey).digest();
    let expected = createHmac('sha256', derived).update(identifier).digest();
    for (const c of caveats) expected = createHmac('sha256', expected).update(c).digest();
    const bufs = caveats.map((c) => Buffer.from(c));
    expect(computeSignature(rootKey, identifier, bufs).equals(expected)).toBe(true);
    expect(parseMacaroon(mintOurs()).signature.equals(expected)).toBe(true);
  });
});

describe('V2 binary layout', () => {
  it('writes version 2, location, identifier, EOS, one section per caveat, EOS, signature', () => {
    const bytes = mintMacaroon({ rootKey, identifier: Buffer.from('id'), location: 'lsat', caveats: ['a=b'] });
    const sig = computeSignature(rootKey, Buffer.from('id'), [Buffer.from('a=b')]);
    const expected = Buffer.concat([
      Buffer.from([2, 1, 4]), Buffer.from('lsat'), Buffer.from([2, 2]), Buffer.from('id'), Buffer.from([0]),
      Buffer.from([2, 3]), Buffer.from('a=b'), Buffer.from([0]),
      Buffer.from([0]), Buffer.from([6, 32]), sig,
    ]);
    expect(bytes.equals(expected)).toBe(true);
  });

  it('omits an empty location, as Go does', () => {
    const bytes = mintMacaroon({ rootKey, identifier: Buffer.from('id'), location: '', caveats: [] });
    expect([...bytes.subarray(0, 5)]).toEqual([2, 2, 2, 0x69, 0x64]);
    expect(parseMacaroon(bytes).location).toBe('');
  });

  it('writes multi-byte varints for fields of 128 bytes or more and reads them back', () => {
    const longCaveat = `x=${'y'.repeat(300)}`;
    const bytes = mintMacaroon({ rootKey, identifier, location: 'lsat', caveats: [longCaveat] });
    const at = bytes.indexOf(Buffer.from('x=yyy'));
    expect([...bytes.subarray(at - 3, at)]).toEqual([2, 0xae, 0x02]); // 302 = 0x12e
    expect(parseMacaroon(bytes).caveats[0]?.toString()).toBe(longCaveat);
  });

  it('round-trips: parse(mint) gives the inputs back, serialize(parse) gives the bytes back', () => {
    const bytes = mintOurs();
    const parsed = parseMacaroon(bytes);
    expect(parsed.location).toBe('lsat');
    expect(parsed.identifier.equals(identifier)).toBe(true);
    expect(parsed.caveats.map((c) => c.toString())).toEqual(caveats);
    expect(verifySignature(parsed, rootKey)).toBe(true);
    expect(serializeMacaroon(parsed).equals(bytes)).toBe(true);
  });

  it('reads macaroons minted by Aperture and by Go, byte for byte', () => {
    const aperture = decodeBase64Loose(APERTURE_MACAROON)!;
    const parsed = parseMacaroon(aperture);
    expect(parsed.location).toBe('lsat');
    expect(parsed.caveats.map((c) => c.toString())).toEqual(['services=meme:0', 'meme_capabilities=']);
    expect(decodeIdentifier(parsed.identifier).paymentHash.toString('hex')).toBe(
      '30a47a6e9b0b3ab9f4280f08932cd7207b440f508580d3eb5563eb4a3d8009ff',
    );
    expect(serializeMacaroon(parsed).equals(aperture)).toBe(true);

    const go = decodeBase64Loose(GO_MACAROON)!;
    const goParsed = parseMacaroon(go);
    expect(goParsed.location).toBe('3.136.178.15:34238');
    expect(decodeIdentifier(goParsed.identifier).paymentHash.toString('hex')).toBe(
      '3d9bd2b5fbf0b013895a3c6ca807baeade7de17939e5f61f966e69c0482b7f91',
    );
    expect(serializeMacaroon(goParsed).equals(go)).toBe(true);
  });
});

describe('interop with npm macaroon 3.0.4', () => {
  it('imports our bytes and verifies them with the same root key and a caveat checker', () => {
    const bytes = mintOurs();
    const seen: string[] = [];
    const check = (condition: string): string | null => {
      seen.push(condition);
      return caveats.includes(condition) ? null : 'unknown caveat';
    };
    const imported = macaroonLib.importMacaroon(new Uint8Array(bytes));
    expect(() => imported.verify(new Uint8Array(rootKey), check)).not.toThrow();
    expect(seen).toEqual(caveats);
    expect(Buffer.from(imported.signature).equals(parseMacaroon(bytes).signature)).toBe(true);
    expect(imported.location).toBe('lsat');
    expect(macaroonLib.importMacaroons(new Uint8Array(bytes))).toHaveLength(1);
  });

  it('rejects our bytes there with another root key or a failing caveat', () => {
    const imported = macaroonLib.importMacaroon(new Uint8Array(mintOurs()));
    expect(() => imported.verify(new Uint8Array(32), () => null)).toThrow(/signature mismatch/);
    expect(() => imported.verify(new Uint8Array(rootKey), () => 'no')).toThrow(/caveat check failed/);
  });

  it('accepts a macaroon it minted (exported as JSON v2, re-serialized by us) and agrees on the signature', () => {
    const theirs = macaroonLib.newMacaroon({ identifier: new Uint8Array(identifier), location: 'lsat', rootKey: new Uint8Array(rootKey) });
    for (const c of caveats) theirs.addFirstPartyCaveat(c);
    const json = theirs.exportJSON();
    const bytes = serializeMacaroon({
      location: json.l ?? '',
      identifier: jsonField(json.i, json.i64),
      caveats: (json.c ?? []).map((c) => jsonField(c.i, c.i64)),
      signature: jsonField(json.s, json.s64),
    });
    const parsed = parseMacaroon(bytes);
    expect(verifySignature(parsed, rootKey)).toBe(true);
    expect(verifySignature(parsed, randomBytes(32))).toBe(false);
    expect(Buffer.from(theirs.signature).equals(parseMacaroon(mintOurs()).signature)).toBe(true);
    expect(bytes.equals(mintOurs())).toBe(true); // first-party macaroons are deterministic
  });

  it('agrees on signatures for random keys, identifiers and caveats', () => {
    for (let i = 0; i < 50; i++) {
      const key = randomBytes(1 + (i % 40));
      const id = randomBytes(1 + i);
      const cavs = Array.from({ length: i % 5 }, (_, j) => `k${j}=${randomBytes(j + 3).toString('hex')}`);
      const ours = mintMacaroon({ rootKey: key, identifier: id, location: 'lsat', caveats: cavs });
      const theirs = macaroonLib.importMacaroon(new Uint8Array(ours));
      expect(() => theirs.verify(new Uint8Array(key), () => null)).not.toThrow();
      const made = macaroonLib.newMacaroon({ identifier: new Uint8Array(id), rootKey: new Uint8Array(key) });
      for (const c of cavs) made.addFirstPartyCaveat(c);
      expect(Buffer.from(made.signature).equals(parseMacaroon(ours).signature)).toBe(true);
    }
  });

  it('third-party caveats minted there parse as such and are refused here', () => {
    const theirs = macaroonLib.newMacaroon({ identifier: new Uint8Array(identifier), location: 'lsat', rootKey: new Uint8Array(rootKey) });
    theirs.addThirdPartyCaveat(new Uint8Array(randomBytes(32)), 'third-party-id', 'https://elsewhere.example');
    const json = theirs.exportJSON();
    const cav = json.c?.[0];
    if (!cav) throw new Error('expected a caveat');
    // hand-built V2 bytes: the third-party section is location | identifier | vid | EOS
    const loc = Buffer.from(cav.l ?? '');
    const cid = jsonField(cav.i, cav.i64);
    const vid = jsonField(cav.v, cav.v64);
    const bytes = Buffer.concat([
      Buffer.from([2, 1, 4]), Buffer.from('lsat'), Buffer.from([2, identifier.length]), identifier, Buffer.from([0]),
      Buffer.from([1, loc.length]), loc, Buffer.from([2, cid.length]), cid, Buffer.from([4, vid.length]), vid, Buffer.from([0]),
      Buffer.from([0]), Buffer.from([6, 32]), jsonField(json.s, json.s64),
    ]);
    expect(macaroonLib.importMacaroon(new Uint8Array(bytes)).caveats[0]?.vid).toBeDefined(); // the oracle reads it
    expect(formatCode(() => parseMacaroon(bytes))).toBe('third_party_caveat');
  });
});

function jsonField(text: string | undefined, b64: string | undefined): Buffer {
  if (text !== undefined) return Buffer.from(text, 'utf8');
  const decoded = b64 === undefined ? null : decodeBase64Loose(b64);
  if (decoded === null) throw new Error('missing JSON field');
  return decoded;
}

describe('strict parsing', () => {
  const good = mintOurs();

  it('throws "truncated" for every proper prefix', () => {
    for (let n = 0; n < good.length; n++) {
      const code = formatCode(() => parseMacaroon(good.subarray(0, n)));
      expect(code, `prefix of ${n} bytes`).toBe('truncated');
    }
    expect(formatCode(() => parseMacaroon(Buffer.alloc(0)))).toBe('truncated');
    expect(formatCode(() => parseMacaroon(good.subarray(0, good.length - 1)))).toBe('truncated');
  });

  it('refuses trailing bytes, including a second macaroon', () => {
    expect(formatCode(() => parseMacaroon(Buffer.concat([good, Buffer.of(0)])))).toBe('trailing_bytes');
    expect(formatCode(() => parseMacaroon(Buffer.concat([good, good])))).toBe('trailing_bytes');
  });

  it('refuses other versions (V1 hex, JSON, 0, 3)', () => {
    for (const first of [0, 1, 3, 0x7b /* { */, 0x30 /* V1 hex */]) {
      const bytes = Buffer.from(good);
      bytes[0] = first;
      expect(formatCode(() => parseMacaroon(bytes))).toBe('bad_version');
    }
  });

  it('refuses oversize input, fields and caveat counts before reading them', () => {
    expect(formatCode(() => parseMacaroon(Buffer.alloc(MACAROON_LIMITS.totalBytes + 1, 2)))).toBe('oversize');
    const bigLength = Buffer.from([2, 2, 0xff, 0x0f]); // identifier claiming 2047 bytes
    expect(formatCode(() => parseMacaroon(bigLength))).toBe('oversize');
    const hugeLength = Buffer.from([2, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]); // 2^32 - 1
    expect(formatCode(() => parseMacaroon(hugeLength))).toBe('oversize');
    const many = Array.from({ length: MACAROON_LIMITS.caveats + 1 }, (_, i) => `k=${i}`);
    expect(() => mintMacaroon({ rootKey, identifier, location: 'lsat', caveats: many })).toThrow(L402FormatError);
    const sections = many.map((c) => Buffer.concat([Buffer.from([2, c.length]), Buffer.from(c), Buffer.of(0)]));
    const bytes = Buffer.concat([Buffer.from([2, 2, 1, 0x41, 0]), ...sections, Buffer.from([0, 6, 32]), Buffer.alloc(32)]);
    expect(formatCode(() => parseMacaroon(bytes))).toBe('oversize');
  });

  it('refuses non-canonical and overlong varints', () => {
    const padded = Buffer.from([2, 2, 0x81, 0x00, 0x41, 0, 0, 6, 32, ...Buffer.alloc(32)]); // 1 written in two bytes
    expect(formatCode(() => parseMacaroon(padded))).toBe('bad_varint');
    const overlong = Buffer.from([2, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(formatCode(() => parseMacaroon(overlong))).toBe('bad_varint');
  });

  it('refuses fields out of order, unknown field types and a missing identifier', () => {
    const reordered = Buffer.from([2, 2, 1, 0x41, 1, 1, 0x42, 0, 0, 6, 32, ...Buffer.alloc(32)]);
    expect(formatCode(() => parseMacaroon(reordered))).toBe('bad_field');
    const unknownType = Buffer.from([2, 3, 1, 0x41, 0, 0, 6, 32, ...Buffer.alloc(32)]);
    expect(formatCode(() => parseMacaroon(unknownType))).toBe('bad_field');
    const noIdentifier = Buffer.from([2, 1, 1, 0x41, 0, 0, 6, 32, ...Buffer.alloc(32)]);
    expect(formatCode(() => parseMacaroon(noIdentifier))).toBe('bad_field');
    const caveatWithoutId = Buffer.from([2, 2, 1, 0x41, 0, 4, 1, 0x42, 0, 0, 6, 32, ...Buffer.alloc(32)]);
    expect(formatCode(() => parseMacaroon(caveatWithoutId))).toBe('bad_field');
    const repeatedField = Buffer.from([2, 2, 1, 0x41, 2, 1, 0x42, 0, 0, 6, 32, ...Buffer.alloc(32)]);
    expect(formatCode(() => parseMacaroon(repeatedField))).toBe('bad_field');
  });

  it('refuses a signature of the wrong length or type', () => {
    const short = Buffer.from([2, 2, 1, 0x41, 0, 0, 6, 31, ...Buffer.alloc(31)]);
    expect(formatCode(() => parseMacaroon(short))).toBe('bad_field');
    const wrongType = Buffer.from([2, 2, 1, 0x41, 0, 0, 4, 32, ...Buffer.alloc(32)]);
    expect(formatCode(() => parseMacaroon(wrongType))).toBe('bad_field');
  });

  it('refuses a location that is not UTF-8', () => {
    const bytes = Buffer.from([2, 1, 1, 0xff, 2, 1, 0x41, 0, 0, 6, 32, ...Buffer.alloc(32)]);
    expect(formatCode(() => parseMacaroon(bytes))).toBe('bad_utf8');
  });

  it('throws only L402FormatError on random bytes and random mutations', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = i % 2 === 0 ? randomBytes(i % 300) : Buffer.from(good);
      if (i % 2 === 1) bytes[i % bytes.length] = randomBytes(1)[0]!;
      try {
        parseMacaroon(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(L402FormatError);
      }
    }
  });
});

describe('verifySignature', () => {
  it('fails on any flipped bit in identifier, caveats or signature, and with another key', () => {
    const parsed = parseMacaroon(mintOurs());
    expect(verifySignature(parsed, rootKey)).toBe(true);
    expect(verifySignature(parsed, Buffer.from('0e'.repeat(32), 'hex'))).toBe(false);
    for (const part of [parsed.identifier, ...parsed.caveats, parsed.signature]) {
      for (let bit = 0; bit < part.length * 8; bit += 7) {
        const copy = Buffer.from(part);
        copy[bit >> 3]! ^= 1 << (bit & 7);
        const tampered = {
          ...parsed,
          identifier: part === parsed.identifier ? copy : parsed.identifier,
          caveats: parsed.caveats.map((c) => (c === part ? copy : c)),
          signature: part === parsed.signature ? copy : parsed.signature,
        };
        expect(verifySignature(tampered, rootKey)).toBe(false);
      }
    }
  });

  it('fails when a caveat is removed, or appended without re-signing', () => {
    const parsed = parseMacaroon(mintOurs());
    expect(verifySignature({ ...parsed, caveats: parsed.caveats.slice(1) }, rootKey)).toBe(false);
    expect(verifySignature({ ...parsed, caveats: parsed.caveats.slice(0, -1) }, rootKey)).toBe(false);
    expect(verifySignature({ ...parsed, caveats: [...parsed.caveats, Buffer.from('max_price_msat=1')] }, rootKey)).toBe(false);
  });

  it('passes when a holder appends a caveat and re-chains the HMAC from the signature (attenuation)', () => {
    const parsed = parseMacaroon(mintOurs());
    const extra = Buffer.from('max_price_msat=20000');
    const attenuated = { ...parsed, caveats: [...parsed.caveats, extra], signature: createHmac('sha256', parsed.signature).update(extra).digest() };
    expect(verifySignature(attenuated, rootKey)).toBe(true);
  });

  it('rejects a signature of the wrong length without throwing', () => {
    const parsed = parseMacaroon(mintOurs());
    expect(verifySignature({ ...parsed, signature: parsed.signature.subarray(0, 31) }, rootKey)).toBe(false);
  });
});

describe('derived key cache', () => {
  it('follows the content of the root key, not the buffer object', () => {
    const key = Buffer.alloc(32, 1);
    const bytes = mintMacaroon({ rootKey: key, identifier, location: 'lsat', caveats });
    const parsed = parseMacaroon(bytes);
    expect(verifySignature(parsed, key)).toBe(true);
    key.fill(2); // same object, other key
    expect(verifySignature(parsed, key)).toBe(false);
    expect(verifySignature(parsed, Buffer.alloc(32, 1))).toBe(true);
  });
});
