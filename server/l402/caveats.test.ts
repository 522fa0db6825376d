import { describe, expect, it } from 'vitest';
import { bindingCaveats, checkCaveats, decodeCaveat, type CaveatRequest } from './caveats.js';

const endpoint = 'POST /api/v1/openai/v1/chat/completions';
const request: CaveatRequest = { api: 'openai', endpoint, priceMsat: 30_000n, now: 1_700_000_000 };
const minted = bindingCaveats({ api: 'openai', endpoint, priceMsat: 30_000n, validUntil: 1_700_000_600 });

function check(caveats: string[], overrides: Partial<CaveatRequest> = {}) {
  return checkCaveats(caveats.map((c) => Buffer.from(c, 'utf8')), { ...request, ...overrides });
}

describe('bindingCaveats', () => {
  it('writes Aperture services and valid_until caveats, then our endpoint and price binding', () => {
    expect(minted).toEqual([
      'services=openai:0',
      'openai_valid_until=1700000600',
      'endpoint=POST /api/v1/openai/v1/chat/completions',
      'max_price_msat=30000',
    ]);
  });

  it('refuses values that would be ambiguous inside a caveat', () => {
    const ok = { api: 'openai', endpoint, priceMsat: 1n, validUntil: 1 };
    expect(() => bindingCaveats({ ...ok, api: 'open:ai' })).toThrow(RangeError);
    expect(() => bindingCaveats({ ...ok, api: 'a,b' })).toThrow(RangeError);
    expect(() => bindingCaveats({ ...ok, api: '' })).toThrow(RangeError);
    expect(() => bindingCaveats({ ...ok, endpoint: 'post /x' })).toThrow(RangeError);
    expect(() => bindingCaveats({ ...ok, endpoint: 'POST /a b' })).toThrow(RangeError);
    expect(() => bindingCaveats({ ...ok, endpoint: 'POST /a\n' })).toThrow(RangeError);
    expect(() => bindingCaveats({ ...ok, priceMsat: 0n })).toThrow(RangeError);
    expect(() => bindingCaveats({ ...ok, validUntil: 1.5 })).toThrow(RangeError);
  });
});

describe('decodeCaveat', () => {
  it('splits at the first "="', () => {
    expect(decodeCaveat(Buffer.from('a=b=c'))).toEqual({ key: 'a', value: 'b=c' });
    expect(decodeCaveat(Buffer.from('meme_capabilities='))).toEqual({ key: 'meme_capabilities', value: '' });
  });

  it('returns null without a key, without "=", or for invalid UTF-8', () => {
    expect(decodeCaveat(Buffer.from('=b'))).toBeNull();
    expect(decodeCaveat(Buffer.from('ab'))).toBeNull();
    expect(decodeCaveat(Buffer.from([0x61, 0x3d, 0xff]))).toBeNull();
  });
});

describe('checkCaveats', () => {
  it('accepts what we mint, for the same request, and reports the expiry', () => {
    expect(check(minted)).toMatchObject({ ok: true, expiresAt: 1_700_000_600 });
  });

  it('accepts up to and including the valid_until second, and a lower price', () => {
    expect(check(minted, { now: 1_700_000_600 }).ok).toBe(true);
    expect(check(minted, { priceMsat: 29_999n }).ok).toBe(true);
  });

  it('gives the reason for each failing binding', () => {
    expect(check(minted, { now: 1_700_000_601 })).toEqual({ ok: false, reason: 'expired' });
    expect(check(minted, { endpoint: 'POST /api/v1/openai/v1/embeddings' })).toEqual({ ok: false, reason: 'wrong_endpoint' });
    expect(check(minted, { endpoint: 'GET /api/v1/openai/v1/chat/completions' })).toEqual({ ok: false, reason: 'wrong_endpoint' });
    expect(check(minted, { priceMsat: 30_001n })).toEqual({ ok: false, reason: 'price' });
    expect(check(['services=anthropic:0', ...minted.slice(1)])).toEqual({ ok: false, reason: 'wrong_service' });
  });

  it('treats another api as an unknown caveat key (fail closed)', () => {
    // for api "anthropic", openai_valid_until is a key it does not know
    expect(check(minted, { api: 'anthropic' })).toEqual({ ok: false, reason: 'wrong_service' });
    expect(check([...minted, 'anthropic_valid_until=1'])).toEqual({ ok: false, reason: 'unknown_caveat' });
  });

  it('fails closed on unknown keys, Aperture capabilities included', () => {
    for (const extra of ['openai_capabilities=chat', 'preimage=00', 'time < 2030', 'tier=gold', 'ENDPOINT=POST /x']) {
      const reason = check([...minted, extra]);
      expect(reason.ok, extra).toBe(false);
    }
    expect(check([...minted, 'openai_capabilities=chat'])).toEqual({ ok: false, reason: 'unknown_caveat' });
  });

  it('requires all four bindings', () => {
    for (let i = 0; i < minted.length; i++) {
      const without = minted.filter((_, j) => j !== i);
      expect(check(without), minted[i]).toEqual({ ok: false, reason: 'missing_caveat' });
    }
    expect(check([])).toEqual({ ok: false, reason: 'missing_caveat' });
  });

  it('refuses malformed values', () => {
    const bad = [
      'services=', 'services=openai', 'services=openai:x', 'services=:0', 'services=openai:0:1', 'services=openai:-1',
      'openai_valid_until=', 'openai_valid_until=-1', 'openai_valid_until=1e9', 'openai_valid_until=0x10', 'openai_valid_until= 1',
      'openai_valid_until=01700000600', 'openai_valid_until=9999999999999999',
      'max_price_msat=', 'max_price_msat=1.5', 'max_price_msat=-5', 'max_price_msat=+5', 'max_price_msat=030000',
    ];
    for (const caveat of bad) {
      expect(check([...minted, caveat]), caveat).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('requires every repeat to hold and allows repeats only to narrow', () => {
    // narrowing is fine
    expect(check([...minted, 'openai_valid_until=1700000300', 'max_price_msat=30000', 'services=openai:0']))
      .toMatchObject({ ok: true, expiresAt: 1_700_000_300 });
    // a narrower repeat that no longer holds fails
    expect(check([...minted, 'openai_valid_until=1699999999'])).toEqual({ ok: false, reason: 'expired' });
    expect(check([...minted, 'max_price_msat=29999'])).toEqual({ ok: false, reason: 'price' });
    expect(check([...minted, `endpoint=POST /api/v1/openai/v1/images/generations`])).toEqual({ ok: false, reason: 'wrong_endpoint' });
    // widening is refused even when the request would satisfy the wider value
    expect(check([...minted, 'openai_valid_until=1800000000'])).toEqual({ ok: false, reason: 'widened_caveat' });
    expect(check([...minted, 'max_price_msat=99999999'])).toEqual({ ok: false, reason: 'widened_caveat' });
    expect(check([...minted, 'services=openai:0,anthropic:0'])).toEqual({ ok: false, reason: 'widened_caveat' });
  });

  it('lets a repeated services caveat list several services when the first allowed them', () => {
    const wide = ['services=openai:0,anthropic:0', ...minted.slice(1)];
    expect(check([...wide, 'services=openai:0']).ok).toBe(true);
    expect(check([...wide, 'services=anthropic:0'])).toEqual({ ok: false, reason: 'wrong_service' });
  });
});
