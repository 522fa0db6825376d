import { describe, expect, it } from 'vitest';
import { chatEndpoint, modelsEndpoint, otherApiEndpoint } from '../testing/catalogFixture';
import { endpointSlug, priceLabel, priceRange, sortedModels } from './prices';

describe('prices', () => {
  it('spans per-model prices and labels one price or free', () => {
    expect(priceRange(chatEndpoint)).toEqual({ min: 30, max: 150 });
    expect(priceLabel(chatEndpoint)).toBe('30–150 sats');
    expect(priceLabel(otherApiEndpoint)).toBe('5 sats');
    expect(priceLabel(modelsEndpoint)).toBe('free');
  });

  it('sorts models by price', () => {
    expect(sortedModels(chatEndpoint)).toEqual([['gpt-4o-mini', 30], ['gpt-4o', 150]]);
  });

  it('makes readable slugs', () => {
    expect(endpointSlug('openai', chatEndpoint)).toBe('openai-chat-completions');
    expect(endpointSlug('openai', modelsEndpoint)).toBe('openai-models-get');
  });
});
