import { describe, expect, it } from 'vitest';
import { chatEndpoint, gpt4oMiniPrice, messagesEndpoint, modelsEndpoint, otherApiEndpoint, speechEndpoint } from '../testing/catalogFixture';
import { endpointSlug, hasMeteredModels, priceLabel, priceRange, sortedModels } from './prices';

describe('prices', () => {
  it('spans flat per-model prices and labels one price or free', () => {
    expect(priceRange(speechEndpoint)).toEqual({ min: 200, max: 400 });
    expect(priceLabel(speechEndpoint)).toBe('200–400 sats');
    expect(priceLabel(otherApiEndpoint)).toBe('5 sats');
    expect(priceLabel(modelsEndpoint)).toBe('free');
    expect(hasMeteredModels(speechEndpoint)).toBe(false);
  });

  it('spans metered models by their typical call', () => {
    expect(hasMeteredModels(chatEndpoint)).toBe(true);
    expect(priceRange(chatEndpoint)).toEqual({ min: 1, max: 8 });
    expect(priceLabel(chatEndpoint)).toBe('≈ 1–8 sats per typical call');
    expect(priceLabel(messagesEndpoint)).toBe('≈ 4 sats per typical call');
  });

  it('sorts models cheapest first, metered ones by their typical call, flat and metered together', () => {
    expect(sortedModels(chatEndpoint).map((r) => [r.model, r.typicalSats])).toEqual([['gpt-4o-mini', 1], ['gpt-4o', 8]]);
    expect(sortedModels(speechEndpoint).map((r) => r.model)).toEqual(['tts-1', 'tts-1-hd']);
    const mixed = { ...chatEndpoint, models: { ...chatEndpoint.models, legacy: 5, 'a-legacy': 5, twin: gpt4oMiniPrice } };
    expect(sortedModels(mixed).map((r) => r.model)).toEqual(['gpt-4o-mini', 'twin', 'a-legacy', 'legacy', 'gpt-4o']);
    expect(priceLabel(mixed)).toBe('≈ 1–8 sats per typical call');
  });

  it('makes readable slugs', () => {
    expect(endpointSlug('openai', chatEndpoint)).toBe('openai-chat-completions');
    expect(endpointSlug('openai', modelsEndpoint)).toBe('openai-models-get');
  });
});
