import { describe, expect, it } from 'vitest';
import type { PublicMeteredPrice } from '../../../contract/metered-price';
import { embeddingPrice, gpt4oMiniPrice, gpt4oPrice, haikuPrice } from '../testing/catalogFixture';
import { callSats, meteredRatesLabel, modelPriceLabel, typicalCallLabel, typicalCallSats } from './meteredPrice';

const withFee: PublicMeteredPrice = { ...gpt4oMiniPrice, call_sats: 2, input_sats_per_mtok: 0.075, cached_input_sats_per_mtok: 0.075, cache_write_sats_per_mtok: 0.075 };

describe('metered prices', () => {
  it('a call costs the fee plus its tokens at the dearest input kind and the output price, rounded up', () => {
    expect(callSats(withFee, 1_000_000, 0)).toBe(3); // 2 + ceil(0.075)
    expect(callSats(gpt4oMiniPrice, 1000, 500)).toBe(Math.ceil((1000 * 150 + 500 * 600) / 1_000_000));
    expect(callSats(30, 1_000_000, 1_000_000)).toBe(30);
  });

  it('say the rates plainly: cached and cache-write only where they differ, the fee only when set', () => {
    expect(meteredRatesLabel(gpt4oMiniPrice)).toBe('150 sats per 1M input tokens · 75 per 1M cached input · 600 per 1M output · up to 16,384 output tokens');
    expect(meteredRatesLabel(haikuPrice)).toBe(
      '1,000 sats per 1M input tokens · 100 per 1M cached input · 1,250 per 1M cache-write · 5,000 per 1M output · up to 8,192 output tokens',
    );
    expect(meteredRatesLabel(withFee)).toBe('0.075 sats per 1M input tokens · 600 per 1M output · + 2 sats per call · up to 16,384 output tokens');
    // embeddings answer no tokens: no output price, no output limit
    expect(meteredRatesLabel(embeddingPrice)).toBe('20 sats per 1M input tokens');
    expect(modelPriceLabel(30)).toBe('30 sats');
  });

  it('quote a typical call (1,000 input + 500 output tokens), rounded up to whole sats', () => {
    expect(typicalCallSats(gpt4oMiniPrice)).toBe(1); // 0.15 + 0.3 sats
    expect(typicalCallSats(gpt4oPrice)).toBe(8); // 2.5 + 5
    expect(typicalCallSats(haikuPrice)).toBe(4); // 1.25 (the dearest input kind) + 2.5
    expect(typicalCallSats(withFee)).toBe(3); // the fee + 0.3
    expect(typicalCallSats(embeddingPrice)).toBe(1);
    expect(typicalCallSats(30)).toBe(30);
    expect(typicalCallLabel(gpt4oMiniPrice)).toBe('≈ 1 sat per typical call');
    expect(typicalCallLabel(gpt4oPrice)).toBe('≈ 8 sats per typical call');
    expect(typicalCallLabel(30)).toBe('30 sats per call');
  });

});
