import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, decodeBase64Std, decodeBase64Url, encodeBase64Url } from './codec.js';

describe('canonical JSON', () => {
  it('sorts keys at every level and is compact (RFC 8785 for our values)', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }, true], 'é': 'ü', A: -3 })).toBe('{"A":-3,"a":[{"c":null,"d":"x"},true],"b":1,"é":"ü"}');
    expect(canonicalJson({ amount: '5', methodDetails: { paymentHash: 'h', invoice: 'i' }, currency: 'sat' })).toBe('{"amount":"5","currency":"sat","methodDetails":{"invoice":"i","paymentHash":"h"}}');
  });

  it('parses back to the same value, and is a fixed point', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(o));
      }),
    );
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(RangeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('base64url', () => {
  it('round trips any text, unpadded, in the URL-safe alphabet', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const encoded = encodeBase64Url(s);
        expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeBase64Url(encoded)).toBe(s);
      }),
    );
  });

  it('never throws on garbage; what is not base64url (or not UTF-8) is null', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = decodeBase64Url(s);
        expect(out === null || typeof out === 'string').toBe(true);
        const std = decodeBase64Std(s);
        expect(std === null || typeof std === 'string').toBe(true);
      }),
    );
    for (const bad of ['a', 'ab+c', 'ab/c', 'abc===', '@@@@', '_w']) expect(decodeBase64Url(bad)).toBeNull();
    expect(decodeBase64Std('gA==')).toBeNull(); // 0x80 alone is not UTF-8
    expect(decodeBase64Std('abc')).toBeNull(); // unpadded
  });
});
