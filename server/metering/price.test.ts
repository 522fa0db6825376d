import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactRates, isTokenUsage, msatPerGtok } from './price.js';

describe('msatPerGtok', () => {
  it('turns decimal sats per Mtok into exact msat per Gtok', () => {
    expect(msatPerGtok(0)).toBe(0n);
    expect(msatPerGtok(150)).toBe(150_000_000n);
    expect(msatPerGtok(0.15)).toBe(150_000n);
    expect(msatPerGtok(0.1)).toBe(100_000n);
    expect(msatPerGtok(1.1)).toBe(1_100_000n); // 1.1 * 1e6 is 1100000.0000000002 in floating point
    expect(msatPerGtok(0.000001)).toBe(1n);
    expect(msatPerGtok(3.75)).toBe(3_750_000n);
  });

  it('is exact for every decimal with up to 6 places below the maximum (parsed as config does)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 999_999_999n }), fc.integer({ min: 0, max: 999_999 }), (whole, frac) => {
        const text = `${whole}.${String(frac).padStart(6, '0')}`;
        expect(msatPerGtok(Number(text))).toBe(whole * 1_000_000n + BigInt(frac));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what it cannot represent exactly instead of rounding', () => {
    for (const bad of [0.0000001, 1.2345678, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e9 + 1]) {
      expect(() => msatPerGtok(bad)).toThrow(RangeError);
    }
  });
});

describe('exactRates', () => {
  it('converts every rate and the call fee', () => {
    const rates = exactRates({
      callSats: 2, inputSatsPerMtok: 150, cachedInputSatsPerMtok: 75, cacheWriteSatsPerMtok: 187.5, outputSatsPerMtok: 600, maxOutputTokens: 16384,
    });
    expect(rates).toEqual({
      callMsat: 2000n, inputMsatPerGtok: 150_000_000n, cachedInputMsatPerGtok: 75_000_000n, cacheWriteMsatPerGtok: 187_500_000n, outputMsatPerGtok: 600_000_000n,
    });
  });

  it('refuses a fractional or negative call fee', () => {
    const base = { inputSatsPerMtok: 1, cachedInputSatsPerMtok: 1, cacheWriteSatsPerMtok: 1, outputSatsPerMtok: 1, maxOutputTokens: 1 };
    expect(() => exactRates({ ...base, callSats: 0.5 })).toThrow(RangeError);
    expect(() => exactRates({ ...base, callSats: -1 })).toThrow(RangeError);
  });
});

describe('isTokenUsage', () => {
  it('accepts non-negative safe integers only', () => {
    expect(isTokenUsage({ input: 0, cachedInput: 1, cacheWrite: 2, output: 3 })).toBe(true);
    expect(isTokenUsage({ input: -1, cachedInput: 0, cacheWrite: 0, output: 0 })).toBe(false);
    expect(isTokenUsage({ input: 1.5, cachedInput: 0, cacheWrite: 0, output: 0 })).toBe(false);
    expect(isTokenUsage({ input: 2 ** 53, cachedInput: 0, cacheWrite: 0, output: 0 })).toBe(false);
  });
});
