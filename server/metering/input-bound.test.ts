import fc from 'fast-check';
import { countChatCompletionTokens } from 'gpt-tokenizer/model/gpt-4o';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from './encodings.js';
import { ANTHROPIC_IMAGE_TOKENS, GPT_4O_MINI_IMAGE_TOKENS, OPENAI_IMAGE_TOKENS } from './image-tokens.js';
import { inputTokensBound, likelyInputTokens } from './input-bound.js';
import { ENTRY_OVERHEAD, MESSAGE_OVERHEAD, OBJECT_OVERHEAD, REQUEST_OVERHEAD } from './request-input.js';
import type { ApiShape } from './shape.js';
import { fakeAnswer } from './testing.js';
import { usageFromJson } from './usage-json.js';

const o200k = await loadTokenizer('o200k_base');
const cl100k = await loadTokenizer('cl100k_base');

async function tokens(shape: ApiShape, model: string, body: unknown, options = {}): Promise<number> {
  const bound = await inputTokensBound(shape, model, body, options);
  if (!bound.ok) throw new Error(`unexpectedly unbounded: ${bound.path}`);
  return bound.tokens;
}

/** The framing of one `{role, content}` message with string content, besides the texts. */
const ONE_MESSAGE = REQUEST_OVERHEAD + MESSAGE_OVERHEAD + OBJECT_OVERHEAD + 2 * ENTRY_OVERHEAD;
const user = (content: unknown): Record<string, unknown> => ({ role: 'user', content });

describe('inputTokensBound', () => {
  it('counts an OpenAI chat with the model tokenizer plus the documented framing', async () => {
    const words = ['role', 'user', 'content', 'Hello, how are you today?'];
    const expected = ONE_MESSAGE + words.reduce((n, w) => n + o200k.countTokens(w), 0);
    expect(await tokens('openai-chat', 'gpt-4o-mini', { model: 'gpt-4o-mini', messages: [user('Hello, how are you today?')] })).toBe(expected);
    // same for cl100k models, with their own counts
    const expectedCl = ONE_MESSAGE + words.reduce((n, w) => n + cl100k.countTokens(w), 0);
    expect(await tokens('openai-chat', 'gpt-4-turbo', { messages: [user('Hello, how are you today?')] })).toBe(expectedCl);
  });

  it('counts Anthropic and unknown models by UTF-8 bytes', async () => {
    const expected = ONE_MESSAGE + Buffer.byteLength('roleusercontenthéllo 🌍');
    expect(await tokens('anthropic-messages', 'claude-haiku-4-5', { model: 'claude-haiku-4-5', max_tokens: 10, messages: [user('héllo 🌍')] })).toBe(expected);
    expect(await tokens('openai-chat', 'some-new-model', { messages: [user('héllo 🌍')] })).toBe(expected);
  });

  it('counts embeddings exactly: no framing, token arrays as they are', async () => {
    expect(await tokens('openai-embeddings', 'text-embedding-3-small', { input: 'The food was delicious and the waiter...' }))
      .toBe(cl100k.countTokens('The food was delicious and the waiter...'));
    expect(await tokens('openai-embeddings', 'text-embedding-3-small', { input: ['hello world', 'good night'] })).toBe(4);
    expect(await tokens('openai-embeddings', 'text-embedding-3-small', { input: [1, 2, 3] })).toBe(3);
    expect(await tokens('openai-embeddings', 'text-embedding-3-small', { input: [[1, 2], [3, 4, 5]] })).toBe(5);
  });

  it('bounds images per image, never by their bytes', async () => {
    const image = { type: 'image_url', image_url: { url: `data:image/png;base64,${'iVBOR'.repeat(100_000)}`, detail: 'high' } };
    const text = { type: 'text', text: 'What is in these?' };
    const withImages = await tokens('openai-chat', 'gpt-4o', { messages: [user([text, image, image])] });
    const textOnly = await tokens('openai-chat', 'gpt-4o', { messages: [user([text])] });
    expect(withImages - textOnly).toBe(2 * OPENAI_IMAGE_TOKENS);
    const mini = await tokens('openai-chat', 'gpt-4o-mini', { messages: [user([text, image])] });
    expect(mini - (await tokens('openai-chat', 'gpt-4o-mini', { messages: [user([text])] }))).toBe(GPT_4O_MINI_IMAGE_TOKENS);
    const responses = await tokens('openai-responses', 'gpt-4.1', { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-abc' }] }] });
    expect(responses).toBeGreaterThanOrEqual(OPENAI_IMAGE_TOKENS);
    const claudeImage = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR'.repeat(100_000) } };
    const claude = await tokens('anthropic-messages', 'claude-sonnet-4-5', { messages: [user([claudeImage])] });
    expect(claude).toBeGreaterThanOrEqual(ANTHROPIC_IMAGE_TOKENS);
    expect(claude).toBeLessThan(ANTHROPIC_IMAGE_TOKENS + 200);
  });

  it('names the part it cannot bound, or uses the context window when it is known', async () => {
    const cases: [ApiShape, Record<string, unknown>, string][] = [
      ['openai-chat', { messages: [user('hi'), user([{ type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } }])] }, 'messages[1].content[0]'],
      ['openai-chat', { messages: [user([{ type: 'file', file: { file_id: 'file-1' } }])] }, 'messages[0].content[0]'],
      ['openai-chat', { messages: [{ role: 'assistant', audio: { id: 'audio_1' } }] }, 'messages[0].audio'],
      ['openai-responses', { previous_response_id: 'resp_1', input: 'and then?' }, 'previous_response_id'],
      ['openai-responses', { conversation: 'conv_1', input: 'hi' }, 'conversation'],
      ['openai-responses', { prompt: { id: 'pmpt_1' } }, 'prompt'],
      ['openai-responses', { input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
      ['openai-responses', { input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'JVBERi0' }] }] }, 'input[0].content[0]'],
      ['anthropic-messages', { messages: [user([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0' } }])] }, 'messages[0].content[0]'],
      ['anthropic-messages', { messages: [user([{ type: 'document', source: { type: 'file', file_id: 'file_1' } }])] }, 'messages[0].content[0]'],
      ['anthropic-messages', { mcp_servers: [{ type: 'url', url: 'https://x', name: 'x' }], messages: [user('hi')] }, 'mcp_servers'],
    ];
    for (const [shape, body, path] of cases) {
      const bound = await inputTokensBound(shape, 'gpt-4o', body);
      expect(bound).toMatchObject({ ok: false, path, field: path.split(/[.[]/)[0] });
      expect(bound.ok === false && bound.reason).toMatch(/bound/);
      expect(await inputTokensBound(shape, 'gpt-4o', body, { maxInputTokens: 128_000 })).toEqual({ ok: true, tokens: 128_000 });
    }
    // a text document can be counted
    const textDoc = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'The grass is green.' } };
    expect((await inputTokensBound('anthropic-messages', 'claude-haiku-4-5', { messages: [user([textDoc])] })).ok).toBe(true);
  });

  it("refuses an Anthropic cache kept longer than the 5 minutes the catalog prices, wherever it is asked, even within the context window", async () => {
    const hour = { type: 'ephemeral', ttl: '1h' };
    const cases: [Record<string, unknown>, string][] = [
      [{ system: [{ type: 'text', text: 'You are terse.', cache_control: hour }], messages: [user('hi')] }, 'system[0].cache_control.ttl'],
      [{ messages: [user([{ type: 'text', text: 'a long document', cache_control: hour }])] }, 'messages[0].content[0].cache_control.ttl'],
      [{ tools: [{ name: 'get_weather', input_schema: { type: 'object' }, cache_control: hour }], messages: [user('hi')] }, 'tools[0].cache_control.ttl'],
    ];
    for (const [body, path] of cases) {
      const bound = await inputTokensBound('anthropic-messages', 'claude-sonnet-4-5', body, { maxInputTokens: 200_000 });
      expect(bound).toMatchObject({ ok: false, path, field: path.split(/[.[]/)[0], reason: expect.stringContaining('5-minute') });
    }
    // the 5-minute cache, named or by default, is priced
    for (const cache_control of [{ type: 'ephemeral' }, { type: 'ephemeral', ttl: '5m' }]) {
      expect((await inputTokensBound('anthropic-messages', 'claude-sonnet-4-5', { system: [{ type: 'text', text: 'x', cache_control }], messages: [user('hi')] })).ok).toBe(true);
    }
    // a tool call's arguments are the tool's own data, whatever their keys
    const toolCall = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'cache', input: { cache_control: hour } }] };
    expect((await inputTokensBound('anthropic-messages', 'claude-sonnet-4-5', { messages: [user('hi'), toolCall] })).ok).toBe(true);
    // OpenAI bodies have no such field: text that says so is only text
    expect((await inputTokensBound('openai-chat', 'gpt-4o', { messages: [user([{ type: 'text', text: 'x', cache_control: hour }])] })).ok).toBe(true);
  });

  it('caps the bound at the context window', async () => {
    const body = { messages: [user('word '.repeat(10_000))] };
    expect(await tokens('openai-chat', 'gpt-4o', body, { maxInputTokens: 1000 })).toBe(1000);
    expect(await tokens('openai-chat', 'gpt-4o', body)).toBeGreaterThan(10_000);
  });

  it('counts tools, schemas and every other field the model reads', async () => {
    const tool = { type: 'function', function: { name: 'get_weather', description: 'Weather\nfor a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
    const bare = await tokens('openai-chat', 'gpt-4o', { messages: [user('hi')] });
    const withTool = await tokens('openai-chat', 'gpt-4o', { messages: [user('hi')], tools: [tool] });
    expect(withTool - bare).toBeGreaterThanOrEqual(64 + 16 + o200k.countTokens(JSON.stringify(tool)));
    const schema = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { verdict: { type: 'string' } } } } };
    expect(await tokens('openai-chat', 'gpt-4o', { messages: [user('hi')], response_format: schema })).toBeGreaterThan(bare + 20);
    const claudeBare = await tokens('anthropic-messages', 'claude-haiku-4-5', { messages: [user('hi')] });
    const claudeTools = await tokens('anthropic-messages', 'claude-haiku-4-5', { messages: [user('hi')], tools: [{ name: 'x', input_schema: { type: 'object' } }] });
    expect(claudeTools - claudeBare).toBeGreaterThanOrEqual(600);
    const responses = await tokens('openai-responses', 'gpt-5', { instructions: 'Be brief.', input: [{ type: 'function_call_output', call_id: 'c1', output: '{"temp": 21}' }] });
    expect(responses).toBeGreaterThan(REQUEST_OVERHEAD + 2 * MESSAGE_OVERHEAD + o200k.countTokens('Be brief.') + o200k.countTokens('{"temp": 21}'));
  });

  it('survives hostile bodies: deep nesting, non-objects, special-token text', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect((await inputTokensBound('openai-chat', 'gpt-4o', { messages: deep })).ok).toBe(true);
    expect(await inputTokensBound('openai-chat', 'gpt-4o', null)).toEqual({ ok: true, tokens: 0 });
    expect(await tokens('openai-chat', 'gpt-4o', { messages: [user('<|endoftext|><|im_start|>')] })).toBeGreaterThan(ONE_MESSAGE);
  });

  it('is at least what the fake upstream reports', async () => {
    for (const [shape, body] of [
      ['openai-chat', { model: 'gpt-4o-mini', messages: [user('Tell me a story about a lightning node')] }],
      ['openai-responses', { model: 'gpt-4o-mini', input: 'Tell me a story about a lightning node' }],
      ['anthropic-messages', { model: 'claude-haiku-4-5', max_tokens: 20, messages: [user('Tell me a story about a lightning node')] }],
    ] as const) {
      const answer = await fakeAnswer(shape, body);
      const reported = usageFromJson(shape, JSON.parse(answer.body.toString()));
      expect(await tokens(shape, body.model, body)).toBeGreaterThanOrEqual(reported?.input ?? Number.POSITIVE_INFINITY);
    }
  });
});

describe('inputTokensBound is an upper bound', () => {
  const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('a'.repeat(300), '<|endoftext|>', '\n\n\n', ''));
  const role = fc.constantFrom('system', 'user', 'assistant');
  const message = fc.record({ role, content: text, name: fc.option(fc.stringMatching(/^[a-z_]{1,12}$/), { nil: undefined }) }, { requiredKeys: ['role', 'content'] });
  const param = fc.record({ type: fc.constantFrom('string', 'number', 'boolean'), description: text });
  const fn = fc.record({
    name: fc.stringMatching(/^[a-z_]{1,16}$/),
    description: text,
    parameters: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), param, { maxKeys: 4 }).map((properties) => ({ type: 'object', properties })),
  });

  it('of the OpenAI chat count (the cookbook formula, with functions as OpenAI renders them)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 5 }), fc.array(fn, { maxLength: 3 }), fc.integer({ min: 0, max: 4096 }), async (messages, functions, budget) => {
        const body = { model: 'gpt-4o', messages, ...(functions.length > 0 ? { tools: functions.map((f) => ({ type: 'function', function: f })) } : {}) };
        const known = countChatCompletionTokens?.({ messages, ...(functions.length > 0 ? { functions } : {}) } as never) ?? Number.POSITIVE_INFINITY;
        expect(await tokens('openai-chat', 'gpt-4o', body, { tokenizeBudgetBytes: budget })).toBeGreaterThanOrEqual(known);
      }),
      { numRuns: 150 },
    );
  });

  it('of the exact token count of any prompt, in every API', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 0, max: 4096 }), async (prompt, budget) => {
        const opts = { tokenizeBudgetBytes: budget };
        expect(await tokens('openai-responses', 'gpt-5-mini', { input: prompt }, opts)).toBeGreaterThanOrEqual(o200k.countTokens(prompt) + 3);
        expect(await tokens('openai-embeddings', 'text-embedding-3-large', { input: prompt }, opts)).toBeGreaterThanOrEqual(cl100k.countTokens(prompt));
        expect(await tokens('anthropic-messages', 'claude-sonnet-4-5', { messages: [user(prompt)] }, opts)).toBeGreaterThanOrEqual(Buffer.byteLength(prompt));
      }),
      { numRuns: 150 },
    );
  });
});

describe('likelyInputTokens', () => {
  it('counts an OpenAI chat as OpenAI does (3 a message, 3 to prime the reply), far below the bound', async () => {
    const messages = [{ role: 'user', content: 'Hello' }];
    const bound = await tokens('openai-chat', 'gpt-4o', { model: 'gpt-4o', messages });
    const likely = await likelyInputTokens('openai-chat', 'gpt-4o', { model: 'gpt-4o', messages }, bound);
    // the cookbook's count, plus the keys ("role", "content") the estimate reads as text
    expect(likely).toBe(countChatCompletionTokens!({ messages } as never) + o200k.countTokens('role') + o200k.countTokens('content'));
    expect(likely).toBeLessThan(bound / 4);
  });

  it('counts Anthropic text by o200k raised by a quarter, never above the bound; what cannot be bounded takes the bound', async () => {
    const body = { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Lightning pays for tokens, one satoshi at a time.' }] };
    const bound = await tokens('anthropic-messages', 'claude-haiku-4-5', body);
    const texts = ['role', 'user', 'content', body.messages[0]!.content].reduce((n, t) => n + o200k.countTokens(t), 0);
    expect(await likelyInputTokens('anthropic-messages', 'claude-haiku-4-5', body, bound)).toBe(Math.ceil(texts * 1.25) + 3 + 3);
    expect(await likelyInputTokens('anthropic-messages', 'claude-haiku-4-5', body, 5)).toBe(5);
    const file = { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] }] };
    expect(await likelyInputTokens('openai-chat', 'gpt-4o', file, 4000)).toBe(4000);
  });
});
