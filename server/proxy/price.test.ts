import { describe, expect, it } from 'vitest';
import { Endpoint } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { priceOf } from './price.js';
import { findEndpoint, shippedCatalog } from './testing.js';

const catalog = shippedCatalog();
const ep = (price: unknown): Endpoint => Endpoint.parse({ method: 'POST', path: '/v1/x', title: 'x', price });

describe('priceOf', () => {
  it('prices per model from the catalog, in msat and sats', () => {
    const speech = findEndpoint(catalog, 'openai', 'POST', '/v1/audio/speech');
    expect(priceOf(speech, { model: 'tts-1' })).toEqual({ priceMsat: 60_000n, priceSats: 60, model: 'tts-1', free: false, metered: null });
  });

  it('names a metered model\'s price and where its usage is read, the ceiling coming from the request', () => {
    const chat = findEndpoint(catalog, 'openai', 'POST', '/v1/chat/completions');
    expect(priceOf(chat, { model: 'gpt-4o-mini' })).toMatchObject({ priceMsat: 0n, model: 'gpt-4o-mini', free: false, metered: { usage: 'openai-chat', price: { input_sats_per_mtok: 150, output_sats_per_mtok: 600 } } });
    const messages = findEndpoint(catalog, 'anthropic', 'POST', '/v1/messages');
    expect(priceOf(messages, { model: 'claude-sonnet-4-5' }).metered).toMatchObject({ usage: 'anthropic-messages', price: { output_sats_per_mtok: 15000 } });
  });

  it('prices a fixed-price endpoint whatever the body, and marks 0 as free', () => {
    expect(priceOf(ep({ sats: 5 }), { model: 'anything' })).toEqual({ priceMsat: 5000n, priceSats: 5, model: null, free: false, metered: null });
    const models = findEndpoint(catalog, 'openai', 'GET', '/v1/models');
    expect(priceOf(models, null)).toEqual({ priceMsat: 0n, priceSats: 0, model: null, free: true, metered: null });
  });

  it('prices the default model when the request names none', () => {
    const moderation = findEndpoint(catalog, 'openai', 'POST', '/v1/moderations');
    expect(priceOf(moderation, { input: 'x' })).toMatchObject({ priceSats: 1, model: 'omni-moderation-latest' });
    expect(priceOf(moderation, { input: 'x', model: null })).toMatchObject({ model: 'omni-moderation-latest' });
  });

  it('reads the model from model_field (multipart text fields too)', () => {
    expect(priceOf(ep({ models: { v1: 7 }, model_field: 'engine' }), { engine: 'v1' }).priceSats).toBe(7);
  });

  it('refuses to price a model the catalog does not list (validation was skipped)', () => {
    const priced = ep({ models: { a: 1 } });
    for (const [fields, code] of [
      [{ model: 'b' }, 'invalid_field_value'],
      [{ model: 'hasOwnProperty' }, 'invalid_field_value'],
      [{ model: 3 }, 'invalid_field_value'],
      [{}, 'missing_required_field'],
      [null, 'missing_required_field'],
    ] as const) {
      expect(() => priceOf(priced, fields)).toThrow(AppError);
      try {
        priceOf(priced, fields);
      } catch (err) {
        expect((err as AppError).code).toBe(code);
      }
    }
  });
});
