import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ceilingMsat, chargeAtMostCeiling, chargeMsat, inputCostBoundMsat } from './charge.js';
import type { MeteredPrice, TokenUsage } from './price.js';

const gpt4oMini: MeteredPrice = {
  callSats: 0, inputSatsPerMtok: 150, cachedInputSatsPerMtok: 75, cacheWriteSatsPerMtok: 150, outputSatsPerMtok: 600, maxOutputTokens: 16384,
};
const usage = (input: number, cachedInput = 0, cacheWrite = 0, output = 0): TokenUsage => ({ input, cachedInput, cacheWrite, output });

/** A rate as config writes it, with its exact value kept beside it: micro-sats per Mtok. */
const rate = fc.integer({ min: 0, max: 50_000_000_000 }).map((micro) => ({ micro: BigInt(micro), value: Number(`${Math.floor(micro / 1e6)}.${String(micro % 1e6).padStart(6, '0')}`) }));
const priced = fc.record({ call: fc.integer({ min: 0, max: 1000 }), input: rate, cached: rate, write: rate, output: rate }).map((r) => ({
  rates: r,
  price: {
    callSats: r.call, inputSatsPerMtok: r.input.value, cachedInputSatsPerMtok: r.cached.value, cacheWriteSatsPerMtok: r.write.value,
    outputSatsPerMtok: r.output.value, maxOutputTokens: 1_000_000,
  } satisfies MeteredPrice,
}));
const tokens = fc.integer({ min: 0, max: 10_000_000 });
const usages = fc.record({ input: tokens, cachedInput: tokens, cacheWrite: tokens, output: tokens });

describe('chargeMsat', () => {
  it('follows the contract on worked examples', () => {
    // 1000 × 150 / 1000 + 500 × 600 / 1000 = 150 + 300 msat
    expect(chargeMsat(gpt4oMini, usage(1000, 0, 0, 500))).toBe(450n);
    // cached tokens at their own price: 1000 × 75 / 1000
    expect(chargeMsat(gpt4oMini, usage(0, 1000))).toBe(75n);
    // one token at 0.15 sats/Mtok is 0.00015 msat: rounded up once, to 1 msat
    expect(chargeMsat({ ...gpt4oMini, inputSatsPerMtok: 0.15 }, usage(1))).toBe(1n);
    // products summed before the single ceil: 3 kinds × 0.4 msat = 1.2 → 2 msat, not 3
    const fractional = { ...gpt4oMini, inputSatsPerMtok: 0.4, cachedInputSatsPerMtok: 0.4, cacheWriteSatsPerMtok: 0.4, outputSatsPerMtok: 0.4 };
    expect(chargeMsat(fractional, usage(1000, 1000, 1000))).toBe(2n);
    expect(chargeMsat({ ...gpt4oMini, callSats: 3 }, usage(0))).toBe(3000n);
    expect(chargeMsat(gpt4oMini, usage(0))).toBe(0n);
  });

  it('equals the formula computed independently, with exact rationals', () => {
    fc.assert(
      fc.property(priced, usages, ({ rates, price }, u) => {
        const charge = chargeMsat(price, u);
        // sum of tokens × micro-sats/Mtok; the token part in msat is that / 10^9 (a rational)
        const numerator = BigInt(u.input) * rates.input.micro + BigInt(u.cachedInput) * rates.cached.micro
          + BigInt(u.cacheWrite) * rates.write.micro + BigInt(u.output) * rates.output.micro;
        const tokenPart = charge - BigInt(rates.call) * 1000n;
        // the defining property of ceil: the smallest integer whose 10^9 multiple reaches the numerator
        expect(tokenPart * 1_000_000_000n >= numerator).toBe(true);
        expect((tokenPart - 1n) * 1_000_000_000n < numerator).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('is monotonic in every kind of token', () => {
    const kinds = ['input', 'cachedInput', 'cacheWrite', 'output'] as const;
    fc.assert(
      fc.property(priced, usages, fc.constantFrom(...kinds), fc.integer({ min: 1, max: 1_000_000 }), ({ price }, u, kind, more) => {
        expect(chargeMsat(price, { ...u, [kind]: u[kind] + more }) >= chargeMsat(price, u)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses counts that are not non-negative integers', () => {
    expect(() => chargeMsat(gpt4oMini, usage(-1))).toThrow(RangeError);
    expect(() => chargeMsat(gpt4oMini, usage(0, 0, 0, 0.5))).toThrow(RangeError);
  });
});

describe('inputCostBoundMsat (what a stream paid event by event must hold to start)', () => {
  it('is exact msat: a session with part of a sat left can start a stream whose input costs less', () => {
    // 83 input tokens at 0.1 sat: 8.3 sats exactly, where the whole-sat ceiling of the input says 9
    const dear = { ...gpt4oMini, inputSatsPerMtok: 100_000, cachedInputSatsPerMtok: 100_000, outputSatsPerMtok: 1_000_000 };
    expect(inputCostBoundMsat(dear, 83)).toBe(8300n);
    expect(ceilingMsat(dear, 83, 0)).toBe(9000n);
    // "hi" on gpt-4o-mini: a few msat, not a whole sat
    expect(inputCostBoundMsat(gpt4oMini, 20)).toBe(3n);
  });

  it('covers the charge of any input within the bound, never above the input ceiling', () => {
    fc.assert(
      fc.property(priced, usages, tokens, ({ price }, u, slack) => {
        const bound = u.input + u.cachedInput + u.cacheWrite + (slack % 1000);
        const floor = inputCostBoundMsat(price, bound);
        expect(chargeMsat(price, { ...u, output: 0 }) <= floor).toBe(true);
        expect(floor <= ceilingMsat(price, bound, 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ceilingMsat', () => {
  it('prices the input bound at the dearest input kind and rounds up to whole sats', () => {
    // 1000 input × 150 + 100 output × 600 = 150 + 60 msat → 1 sat
    expect(ceilingMsat(gpt4oMini, 1000, 100)).toBe(1000n);
    // Anthropic-like: cache writes (3.75) dearer than input (3): 1e6 × 3.75 sats/Mtok = 3.75 sats → 4 sats
    const sonnet = { ...gpt4oMini, inputSatsPerMtok: 3, cachedInputSatsPerMtok: 0.3, cacheWriteSatsPerMtok: 3.75, outputSatsPerMtok: 15 };
    expect(ceilingMsat(sonnet, 1_000_000, 0)).toBe(4000n);
    expect(ceilingMsat({ ...sonnet, callSats: 5 }, 0, 0)).toBe(5000n);
    expect(ceilingMsat(sonnet, 0, 1_000_000)).toBe(15_000n);
  });

  it('is whole sats and never below the charge of any usage within the bound and the limit', () => {
    fc.assert(
      fc.property(priced, usages, tokens, ({ price }, u, slack) => {
        const bound = u.input + u.cachedInput + u.cacheWrite + (slack % 1000);
        const ceiling = ceilingMsat(price, bound, u.output);
        expect(ceiling % 1000n).toBe(0n);
        expect(chargeMsat(price, u) <= ceiling).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('is tight: less than one sat above the dearest usage it covers', () => {
    fc.assert(
      fc.property(priced, tokens, tokens, ({ price }, bound, limit) => {
        const ceiling = ceilingMsat(price, bound, limit);
        const dearest = [usage(bound, 0, 0, limit), usage(0, bound, 0, limit), usage(0, 0, bound, limit)]
          .map((u) => chargeMsat(price, u)).reduce((a, b) => (b > a ? b : a));
        expect(ceiling - dearest >= 0n && ceiling - dearest < 1000n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('chargeAtMostCeiling', () => {
  it('takes the charge when it fits and the ceiling when the usage broke the bound', () => {
    const ceiling = ceilingMsat(gpt4oMini, 1000, 100);
    expect(chargeAtMostCeiling(gpt4oMini, usage(1000, 0, 0, 100), ceiling)).toEqual({ chargeMsat: 210n, capped: false });
    expect(chargeAtMostCeiling(gpt4oMini, usage(1_000_000, 0, 0, 100), ceiling)).toEqual({ chargeMsat: 1000n, capped: true });
  });

  it('is never above the ceiling whatever the upstream reports', () => {
    fc.assert(
      fc.property(priced, usages, tokens, tokens, ({ price }, u, bound, limit) => {
        const ceiling = ceilingMsat(price, bound, limit);
        const { chargeMsat: charged, capped } = chargeAtMostCeiling(price, u, ceiling);
        expect(charged <= ceiling).toBe(true);
        expect(capped).toBe(chargeMsat(price, u) > ceiling);
      }),
      { numRuns: 200 },
    );
  });
});
