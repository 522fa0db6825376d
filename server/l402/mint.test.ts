import { createHash, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import macaroonLib from 'macaroon';
import { describe, expect, it } from 'vitest';
import { decodeIdentifier } from './identifier.js';
import { mintMacaroon, parseMacaroon, serializeMacaroon } from './macaroon.js';
import { mintChallenge, verifyCredential, type VerifyCredentialInput } from './mint.js';

const rootKey = Buffer.from('5a'.repeat(32), 'hex');
const preimage = Buffer.from('c0ffee'.repeat(10) + 'c0ff', 'hex');
const paymentHash = createHash('sha256').update(preimage).digest();
const endpoint = 'POST /api/v1/openai/v1/chat/completions';
const now = 1_700_000_000;
const tokenId = Buffer.alloc(32, 0x77);

const challenge = mintChallenge({
  rootKey,
  paymentHash,
  api: 'openai',
  endpoint,
  priceMsat: 30_000n,
  now,
  ttlSeconds: 600,
  randomBytes: () => Buffer.from(tokenId),
});

function verify(overrides: Partial<VerifyCredentialInput> = {}) {
  return verifyCredential({
    rootKey,
    macaroon: challenge.macaroon,
    preimage,
    api: 'openai',
    endpoint,
    priceMsat: 30_000n,
    now: now + 1,
    ...overrides,
  });
}

/** A holder's attenuation: append a caveat and extend the HMAC chain from the old signature. */
function appendSigned(macaroon: Buffer, caveat: string): Buffer {
  const parsed = parseMacaroon(macaroon);
  const extra = Buffer.from(caveat);
  return serializeMacaroon({
    ...parsed,
    caveats: [...parsed.caveats, extra],
    signature: createHmac('sha256', parsed.signature).update(extra).digest(),
  });
}

describe('mintChallenge', () => {
  it('mints an Aperture-shaped macaroon bound to api, endpoint, price and expiry', () => {
    const parsed = parseMacaroon(challenge.macaroon);
    expect(parsed.location).toBe('lsat');
    const id = decodeIdentifier(parsed.identifier);
    expect(id.paymentHash.equals(paymentHash)).toBe(true);
    expect(id.tokenId.equals(tokenId)).toBe(true);
    expect(challenge.tokenId.equals(tokenId)).toBe(true);
    expect(challenge.expiresAt).toBe(now + 600);
    expect(parsed.caveats.map(String)).toEqual([
      'services=openai:0',
      `openai_valid_until=${now + 600}`,
      `endpoint=${endpoint}`,
      'max_price_msat=30000',
    ]);
    expect(challenge.macaroonB64).toBe(challenge.macaroon.toString('base64'));
  });

  it('draws a fresh 32-byte token id per challenge by default', () => {
    const input = { rootKey, paymentHash, api: 'openai', endpoint, priceMsat: 1n, now, ttlSeconds: 60 };
    const a = mintChallenge(input);
    const b = mintChallenge(input);
    expect(a.tokenId.length).toBe(32);
    expect(a.tokenId.equals(b.tokenId)).toBe(false);
  });

  it('verifies in npm macaroon from the base64 string with our caveat semantics', () => {
    const imported = macaroonLib.importMacaroon(challenge.macaroonB64);
    const check = (c: string): string | null =>
      ['services=openai:0', `openai_valid_until=${now + 600}`, `endpoint=${endpoint}`, 'max_price_msat=30000'].includes(c) ? null : 'unknown';
    expect(() => imported.verify(new Uint8Array(rootKey), check)).not.toThrow();
  });

  it('refuses bad inputs loudly, a millisecond clock included', () => {
    const ok = { rootKey, paymentHash, api: 'openai', endpoint, priceMsat: 1n, now, ttlSeconds: 60 };
    expect(() => mintChallenge({ ...ok, rootKey: Buffer.alloc(16) })).toThrow(RangeError);
    expect(() => mintChallenge({ ...ok, paymentHash: Buffer.alloc(31) })).toThrow(RangeError);
    expect(() => mintChallenge({ ...ok, now: Date.now() })).toThrow(RangeError);
    expect(() => mintChallenge({ ...ok, now: 1.5 })).toThrow(RangeError);
    expect(() => mintChallenge({ ...ok, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => mintChallenge({ ...ok, priceMsat: 0n })).toThrow(RangeError);
    expect(() => mintChallenge({ ...ok, randomBytes: () => Buffer.alloc(8) })).toThrow(RangeError);
  });
});

describe('verifyCredential', () => {
  it('accepts the paid credential and names its payment hash, token id, expiry and value', () => {
    expect(verify()).toEqual({
      ok: true,
      paymentHash: paymentHash.toString('hex'),
      tokenId: tokenId.toString('hex'),
      expiresAt: now + 600,
      valueMsat: 30_000n, // the invoice it was minted for: a value-carrying credential spends from it
    });
    expect(verify({ now: now + 600 }).ok).toBe(true);
    expect(verify({ priceMsat: 1n }).ok).toBe(true);
  });

  it('gives one reason per failed check', () => {
    const cases: Array<[Partial<VerifyCredentialInput>, string]> = [
      [{ preimage: randomBytes(32) }, 'preimage_mismatch'],
      [{ preimage: preimage.subarray(0, 31) }, 'malformed'],
      [{ preimage: Buffer.concat([preimage, Buffer.of(0)]) }, 'malformed'],
      [{ now: now + 601 }, 'expired'],
      [{ endpoint: 'POST /api/v1/openai/v1/embeddings' }, 'wrong_endpoint'],
      [{ priceMsat: 30_001n }, 'price'],
      [{ api: 'anthropic' }, 'wrong_service'],
      [{ rootKey: Buffer.from('5b'.repeat(32), 'hex') }, 'bad_signature'],
      [{ macaroon: Buffer.alloc(0) }, 'malformed'],
      [{ macaroon: randomBytes(200) }, 'malformed'],
    ];
    for (const [overrides, reason] of cases) {
      expect(verify(overrides), reason).toEqual({ ok: false, reason });
    }
  });

  it('requires location "lsat" and a v0 identifier', () => {
    const identifier = parseMacaroon(challenge.macaroon).identifier;
    const caveats = parseMacaroon(challenge.macaroon).caveats;
    const elsewhere = mintMacaroon({ rootKey, identifier, location: 'https://example.com', caveats });
    expect(verify({ macaroon: elsewhere })).toEqual({ ok: false, reason: 'wrong_location' });
    const v1 = Buffer.from(identifier);
    v1[1] = 1;
    expect(verify({ macaroon: mintMacaroon({ rootKey, identifier: v1, location: 'lsat', caveats }) })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses macaroons with third-party caveats', () => {
    const parsed = parseMacaroon(challenge.macaroon);
    const thirdParty = Buffer.concat([
      challenge.macaroon.subarray(0, challenge.macaroon.length - 35), // up to the caveat list's EOS
      Buffer.from([2, 3]), Buffer.from('tp1'), Buffer.from([4, 3]), Buffer.from('vid'), Buffer.of(0),
      Buffer.of(0), Buffer.from([6, 32]), parsed.signature,
    ]);
    expect(verify({ macaroon: thirdParty })).toEqual({ ok: false, reason: 'third_party_caveat' });
  });

  it('lets a holder narrow a credential, and only narrow it', () => {
    expect(verify({ macaroon: appendSigned(challenge.macaroon, `openai_valid_until=${now + 60}`) })).toMatchObject({ ok: true, expiresAt: now + 60 });
    expect(verify({ macaroon: appendSigned(challenge.macaroon, `openai_valid_until=${now + 6000}`) })).toEqual({ ok: false, reason: 'widened_caveat' });
    expect(verify({ macaroon: appendSigned(challenge.macaroon, 'max_price_msat=999999') })).toEqual({ ok: false, reason: 'widened_caveat' });
    expect(verify({ macaroon: appendSigned(challenge.macaroon, 'openai_capabilities=all') })).toEqual({ ok: false, reason: 'unknown_caveat' });
  });

  it('rejects a caveat removed or appended without re-signing', () => {
    const parsed = parseMacaroon(challenge.macaroon);
    for (let i = 0; i < parsed.caveats.length; i++) {
      const removed = serializeMacaroon({ ...parsed, caveats: parsed.caveats.filter((_, j) => j !== i) });
      expect(verify({ macaroon: removed }).ok).toBe(false);
    }
    const appended = serializeMacaroon({ ...parsed, caveats: [...parsed.caveats, Buffer.from(`openai_valid_until=${now + 60}`)] });
    expect(verify({ macaroon: appended })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects every single flipped bit of the macaroon and of the preimage, without throwing', () => {
    const reasons = new Set<string>();
    for (let bit = 0; bit < challenge.macaroon.length * 8; bit++) {
      const tampered = Buffer.from(challenge.macaroon);
      tampered[bit >> 3]! ^= 1 << (bit & 7);
      const result = verify({ macaroon: tampered });
      expect(result.ok, `bit ${bit}`).toBe(false);
      if (!result.ok) reasons.add(result.reason);
    }
    // each field was hit: framing, location, identifier (hash), caveats and signature
    expect([...reasons]).toEqual(expect.arrayContaining(['malformed', 'wrong_location', 'preimage_mismatch', 'bad_signature', 'wrong_endpoint']));
    for (let bit = 0; bit < 256; bit++) {
      const tampered = Buffer.from(preimage);
      tampered[bit >> 3]! ^= 1 << (bit & 7);
      expect(verify({ preimage: tampered })).toEqual({ ok: false, reason: 'preimage_mismatch' });
    }
  });

  it('rejects the macaroon truncated at every length and with any extra bytes', () => {
    for (let n = 0; n < challenge.macaroon.length; n++) {
      expect(verify({ macaroon: challenge.macaroon.subarray(0, n) })).toEqual({ ok: false, reason: 'malformed' });
    }
    for (const extra of [Buffer.of(0), Buffer.of(2), randomBytes(40), challenge.macaroon]) {
      expect(verify({ macaroon: Buffer.concat([challenge.macaroon, extra]) })).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('never throws on arbitrary macaroon bytes and preimages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (mac, pre) => {
        expect(verify({ macaroon: Buffer.from(mac), preimage: Buffer.from(pre) }).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
    // mutations of a real macaroon reach deeper than random bytes
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (edits) => {
        const mac = Buffer.from(challenge.macaroon);
        for (const [at, value] of edits) mac[at % mac.length] = value;
        const result = verify({ macaroon: mac });
        expect(result.ok === false || mac.equals(challenge.macaroon)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
