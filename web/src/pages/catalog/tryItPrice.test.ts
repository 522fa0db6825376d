import { describe, expect, it } from 'vitest';
import { chatEndpoint, embeddingsEndpoint, messagesEndpoint, modelsEndpoint, otherApiEndpoint, speechEndpoint } from '../../testing/catalogFixture';
import { callPrice, priceSentence } from './tryItPrice';
import type { BodyFacts } from './tryItRequest';

const facts = (over: Partial<BodyFacts>): BodyFacts => ({ model: null, maxOutputTokens: null, bytes: 0, ...over });
const TOKEN = 'abl_0123456789abcdef';

describe('try it price before sending', () => {
  it('says a flat price as it is', () => {
    expect(priceSentence(callPrice(speechEndpoint, facts({ model: 'tts-1' })), TOKEN)).toBe('This call costs 200 sats from abl_0123…cdef.');
    expect(priceSentence(callPrice(otherApiEndpoint, facts({})), null)).toBe('This call costs 5 sats.');
    expect(priceSentence(callPrice(modelsEndpoint, facts({})), TOKEN)).toBe('This call is free.');
  });

  it('says when the server will refuse the model', () => {
    expect(priceSentence(callPrice(chatEndpoint, facts({ model: 'gpt-2' })), TOKEN)).toBe('The model “gpt-2” has no price here: the server will refuse the call.');
    expect(priceSentence(callPrice(chatEndpoint, facts({})), TOKEN)).toBe('This request names no model: the server will refuse the call.');
    // a body that does not parse names nothing yet: it says so instead
    const broken = 'The body is not valid JSON: Unexpected end (line 1, column 10).';
    expect(priceSentence(callPrice(chatEndpoint, facts({ jsonProblem: broken })), TOKEN)).toBe(broken);
    // an endpoint with a default model prices a request that names none by it
    expect(callPrice({ ...speechEndpoint, default_model: 'tts-1' }, facts({}))).toEqual({ kind: 'flat', sats: 200 });
  });

  it('estimates a metered ceiling: input as UTF-8 bytes / 4 plus the server’s framing margin, the model’s output limit when the body sets none', () => {
    // 130 bytes ≈ 33 tokens + 64 of framing at 150 sats/M, 16,384 output tokens at 600: 0.01455 + 9.8304 → 10 sats
    const price = callPrice(chatEndpoint, facts({ model: 'gpt-4o-mini', bytes: 130 }));
    expect(price).toMatchObject({ kind: 'metered', ceilingSats: 10, inputTokens: 97, outputTokens: 16_384 });
    expect(priceSentence(price, TOKEN)).toBe(
      'This call costs up to ~10 sats from abl_0123…cdef — an estimate for about 97 input tokens and at most 16,384 output tokens. You pay only for the tokens it uses.',
    );
  });

  it('counts the framing margin the server reserves for: gpt-4o’s 163.84 sats of output and a short body is 165, not ~164', () => {
    // 100 bytes: 25 + 64 tokens at 2,500 sats/M = 0.2225; the server's bound (text + 64 + 8 a message) is larger still
    expect(callPrice(chatEndpoint, facts({ model: 'gpt-4o', bytes: 100 }))).toMatchObject({ ceilingSats: 165 });
  });

  it('uses the body’s output limit, and says when it is above the model’s', () => {
    // 400 bytes = 100 + 64 tokens at the dearest input kind (1,250), 256 output at 5,000: 0.205 + 1.28 → 2 sats
    expect(callPrice(messagesEndpoint, facts({ model: 'claude-haiku-4-5', maxOutputTokens: 256, bytes: 400 }))).toMatchObject({ ceilingSats: 2, outputTokens: 256 });
    expect(priceSentence(callPrice(messagesEndpoint, facts({ model: 'claude-haiku-4-5', maxOutputTokens: 9000 })), TOKEN)).toBe(
      'claude-haiku-4-5 answers with at most 8,192 output tokens here: the server will refuse a larger limit.',
    );
  });

  it('leaves output out for a model that answers none (embeddings)', () => {
    expect(priceSentence(callPrice(embeddingsEndpoint, facts({ model: 'text-embedding-3-small', bytes: 60 })), null)).toBe(
      'This call costs up to ~1 sat — an estimate for about 15 input tokens. You pay only for the tokens it uses.',
    );
  });
});
