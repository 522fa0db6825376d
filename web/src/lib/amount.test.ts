import { describe, expect, it } from 'vitest';
import { checkAmount, presetsWithin } from './amount';

const limits = { min_sats: 10, max_sats: 100_000 };

describe('checkAmount', () => {
  it('accepts whole sats within the limits, with separators', () => {
    expect(checkAmount('1,000', limits)).toEqual({ ok: true, sats: 1000 });
    expect(checkAmount(' 10 ', limits)).toEqual({ ok: true, sats: 10 });
    expect(checkAmount('100000', limits)).toEqual({ ok: true, sats: 100_000 });
  });

  it('refuses empty, fractional, negative and out-of-range input with a message', () => {
    expect(checkAmount('', limits)).toMatchObject({ ok: false, message: 'Enter an amount in sats.' });
    expect(checkAmount('1.5', limits)).toMatchObject({ ok: false });
    expect(checkAmount('-5', limits)).toMatchObject({ ok: false });
    expect(checkAmount('9', limits)).toMatchObject({ ok: false, message: 'The smallest top-up is 10 sats.' });
    expect(checkAmount('100001', limits)).toMatchObject({ ok: false, message: 'The largest top-up is 100,000 sats.' });
  });

  it('keeps only presets inside the limits', () => {
    expect(presetsWithin({ min_sats: 200, max_sats: 2_000 })).toEqual([500, 1000]);
  });
});
