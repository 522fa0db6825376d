import { describe, expect, it } from 'vitest';
import { formatFiat } from './fiat';

describe('fiat hint', () => {
  const usd = { currency: 'USD', per_btc: 95_000 };
  it('cents from one unit up, two significant digits below', () => {
    expect(formatFiat(1000, usd)).toBe('≈ $0.95');
    expect(formatFiat(10, usd)).toBe('≈ $0.0095');
    expect(formatFiat(100_000, usd)).toBe('≈ $95.00');
    expect(formatFiat(123_456, usd)).toBe('≈ $117.28');
  });

  it('other currencies, and a code the formatter does not know', () => {
    expect(formatFiat(1000, { currency: 'EUR', per_btc: 90_000 })).toBe('≈ €0.9');
    expect(formatFiat(1000, { currency: 'XYZ1' as string, per_btc: 1000 })).toBe('≈ 0.010 XYZ1');
  });
});
