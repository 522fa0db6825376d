import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTokenUsage } from './price.js';
import { API_SHAPES } from './shape.js';
import { fakeAnswer } from './testing.js';
import { answerText, usageFromJson } from './usage-json.js';

describe('usageFromJson', () => {
  it('reads OpenAI chat: cached tokens out of the prompt total, reasoning inside the output', () => {
    const body = {
      object: 'chat.completion',
      usage: {
        prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    };
    expect(usageFromJson('openai-chat', body)).toEqual({ input: 86, cachedInput: 1920, cacheWrite: 0, output: 300 });
    // details absent or null: nothing cached
    expect(usageFromJson('openai-chat', { usage: { prompt_tokens: 9, completion_tokens: 1 } })).toEqual({ input: 9, cachedInput: 0, cacheWrite: 0, output: 1 });
    expect(usageFromJson('openai-chat', { usage: { prompt_tokens: 9, completion_tokens: 1, prompt_tokens_details: null } })).toEqual({ input: 9, cachedInput: 0, cacheWrite: 0, output: 1 });
  });

  it('reads the Responses API', () => {
    const body = { object: 'response', usage: { input_tokens: 328, input_tokens_details: { cached_tokens: 128 }, output_tokens: 52, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 380 } };
    expect(usageFromJson('openai-responses', body)).toEqual({ input: 200, cachedInput: 128, cacheWrite: 0, output: 52 });
  });

  it('reads embeddings: input only', () => {
    expect(usageFromJson('openai-embeddings', { object: 'list', usage: { prompt_tokens: 8, total_tokens: 8 } })).toEqual({ input: 8, cachedInput: 0, cacheWrite: 0, output: 0 });
  });

  it('reads Anthropic: three disjoint input counts', () => {
    const body = { type: 'message', usage: { input_tokens: 21, cache_creation_input_tokens: 188086, cache_read_input_tokens: 0, output_tokens: 393, cache_creation: { ephemeral_5m_input_tokens: 188086, ephemeral_1h_input_tokens: 0 }, service_tier: 'standard' } };
    expect(usageFromJson('anthropic-messages', body)).toEqual({ input: 21, cachedInput: 0, cacheWrite: 188086, output: 393 });
    expect(usageFromJson('anthropic-messages', { usage: { input_tokens: 5, output_tokens: 7, cache_read_input_tokens: null } })).toEqual({ input: 5, cachedInput: 0, cacheWrite: 0, output: 7 });
  });

  it('reads what the fake upstream answers', async () => {
    // the fake counts a token per 4 characters: 'Hello there' is 3, 'This is a fake reply to: Hello there' 9
    const chat = await fakeAnswer('openai-chat', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(usageFromJson('openai-chat', JSON.parse(chat.body.toString()))).toEqual({ input: 3, cachedInput: 0, cacheWrite: 0, output: 9 });
    const resp = await fakeAnswer('openai-responses', { model: 'gpt-4o-mini', input: 'Hello there' });
    expect(usageFromJson('openai-responses', JSON.parse(resp.body.toString()))).toEqual({ input: 3, cachedInput: 0, cacheWrite: 0, output: 9 });
    const emb = await fakeAnswer('openai-embeddings', { model: 'text-embedding-3-small', input: ['abcd', 'abcdefgh'] });
    expect(usageFromJson('openai-embeddings', JSON.parse(emb.body.toString()))).toEqual({ input: 3, cachedInput: 0, cacheWrite: 0, output: 0 });
    const msg = await fakeAnswer('anthropic-messages', { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello there' }] });
    expect(usageFromJson('anthropic-messages', JSON.parse(msg.body.toString()))).toEqual({ input: 3, cachedInput: 0, cacheWrite: 0, output: 9 });
  });

  it('gives null for malformed counts instead of guessing', () => {
    const bad = [
      { usage: { prompt_tokens: -1, completion_tokens: 1 } },
      { usage: { prompt_tokens: 1.5, completion_tokens: 1 } },
      { usage: { prompt_tokens: '10', completion_tokens: 1 } },
      { usage: { prompt_tokens: 10 } },
      { usage: { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 11 } } },
      { usage: { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: -1 } } },
      { usage: { prompt_tokens: 2 ** 53, completion_tokens: 1 } },
      { usage: null },
      { usage: [] },
      {},
      null,
      'usage',
    ];
    for (const body of bad) expect(usageFromJson('openai-chat', body)).toBeNull();
    expect(usageFromJson('anthropic-messages', { usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 'x' } })).toBeNull();
    expect(usageFromJson('openai-responses', { usage: { input_tokens: 1, output_tokens: Number.NaN } })).toBeNull();
    expect(usageFromJson('openai-embeddings', { usage: { total_tokens: 3 } })).toBeNull();
  });

  it('never throws, and whatever it returns is a valid usage', () => {
    fc.assert(
      fc.property(fc.constantFrom(...API_SHAPES), fc.oneof(fc.anything(), fc.record({ usage: fc.dictionary(fc.constantFrom('prompt_tokens', 'completion_tokens', 'input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens', 'prompt_tokens_details', 'input_tokens_details'), fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.record({ cached_tokens: fc.integer() }))) })), (shape, body) => {
        const u = usageFromJson(shape, body);
        if (u !== null) expect(isTokenUsage(u)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('answerText', () => {
  it('takes what each API generated: text, refusals, tool arguments, reasoning; not ids, roles or keys', () => {
    const chat = { id: 'c', choices: [{ message: { role: 'assistant', content: 'Hi', refusal: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] } }] };
    expect(answerText('openai-chat', chat)).toBe('Hi\n{"a":1}');
    expect(answerText('openai-chat', { choices: [{ message: { content: [{ type: 'text', text: 'A' }], refusal: 'No' } }] })).toBe('A\nNo');
    const responses = { output: [{ type: 'reasoning', summary: [{ type: 'summary_text', text: 'thought' }] }, { type: 'message', content: [{ type: 'output_text', text: 'Answer' }] }, { type: 'function_call', arguments: '{}' }] };
    expect(answerText('openai-responses', responses)).toBe('thought\nAnswer\n{}');
    const claude = { content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'Yes' }, { type: 'tool_use', id: 'x', name: 'f', input: { q: 'w' } }] };
    expect(answerText('anthropic-messages', claude)).toBe('hmm\nYes\n{"q":"w"}');
    expect(answerText('openai-embeddings', { data: [] })).toBe('');
    // not an answer of the API: the caller counts the body whole
    expect(answerText('openai-chat', { error: 'x' })).toBeNull();
    expect(answerText('anthropic-messages', 'text')).toBeNull();
  });
});
