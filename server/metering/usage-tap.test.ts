import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiShape } from './shape.js';
import { fakeAnswer } from './testing.js';
import { mayCarryUsage, mayCarryUsageBytes } from './usage-key.js';
import { createUsageTap, usageObjectInTail, type UsageTap } from './usage-tap.js';

const frame = (data: unknown, event?: string): string => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function tapAll(shape: ApiShape, chunks: readonly (Buffer | string)[], options = {}): UsageTap {
  const tap = createUsageTap(shape, options);
  for (const c of chunks) tap.push(Buffer.from(c));
  return tap;
}

// Streams as the real APIs send them (fields trimmed), with non-ASCII text so splits land inside characters.
const chatStream = [
  frame({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null }),
  frame({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Grüße 🌍, ' }, finish_reason: null }], usage: null }),
  ': keep-alive\n\n',
  frame({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: '日本語' }, finish_reason: null }], usage: null }),
  frame({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] }, finish_reason: null }], usage: null }),
  frame({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, finish_reason: 'tool_calls' }], usage: null }),
  frame({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 192 } } }),
  frame('[DONE]'),
].join('');
const chatText = 'Grüße 🌍, 日本語get_weather{"city":"Paris"}';

const responsesStream = [
  frame({ type: 'response.created', sequence_number: 0, response: { id: 'r1', status: 'in_progress', usage: null } }, 'response.created'),
  frame({ type: 'response.output_text.delta', sequence_number: 1, item_id: 'm1', output_index: 0, content_index: 0, delta: 'Ça va ' }, 'response.output_text.delta'),
  frame({ type: 'response.output_text.delta', sequence_number: 2, item_id: 'm1', output_index: 0, content_index: 0, delta: '👍🏽' }, 'response.output_text.delta'),
  frame({ type: 'response.function_call_arguments.delta', sequence_number: 3, item_id: 'f1', output_index: 1, delta: '{"q":1}' }, 'response.function_call_arguments.delta'),
  frame({ type: 'response.output_text.done', sequence_number: 4, text: 'Ça va 👍🏽' }, 'response.output_text.done'),
  frame({ type: 'response.completed', sequence_number: 5, response: { id: 'r1', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Ça va 👍🏽 "usage": {"input_tokens": 1}' }] }], usage: { input_tokens: 328, input_tokens_details: { cached_tokens: 128 }, output_tokens: 52, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 380 }, metadata: {} } }, 'response.completed'),
].join('');

const anthropicStream = [
  frame({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 472, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 2 } } }, 'message_start'),
  frame({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }, 'content_block_start'),
  frame({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Überlege…' } }, 'content_block_delta'),
  frame({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } }, 'content_block_delta'),
  frame({ type: 'ping' }, 'ping'),
  frame({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hallo 👋 ' } }, 'content_block_delta'),
  frame({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"location": "' } }, 'content_block_delta'),
  frame({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } }, 'message_delta'),
  frame({ type: 'message_stop' }, 'message_stop'),
].join('');

describe('createUsageTap', () => {
  it('reads the final usage chunk of an OpenAI chat stream, and its text', () => {
    const tap = tapAll('openai-chat', [chatStream]);
    expect(tap.usage()).toEqual({ input: 86, cachedInput: 1920, cacheWrite: 0, output: 300 });
    expect(tap.text()).toBe(chatText);
    expect(tap.reportedInput()).toBeNull();
  });

  it('reads response.completed of a Responses stream, not text that looks like usage', () => {
    const tap = tapAll('openai-responses', [responsesStream]);
    expect(tap.usage()).toEqual({ input: 200, cachedInput: 128, cacheWrite: 0, output: 52 });
    expect(tap.text()).toBe('Ça va 👍🏽{"q":1}');
  });

  it('reads a response that ended incomplete (output limit reached): it is billed', () => {
    const tap = tapAll('openai-responses', [frame({ type: 'response.incomplete', response: { status: 'incomplete', usage: { input_tokens: 10, output_tokens: 16 } } }, 'response.incomplete')]);
    expect(tap.usage()).toEqual({ input: 10, cachedInput: 0, cacheWrite: 0, output: 16 });
  });

  it('merges Anthropic message_start and message_delta', () => {
    const tap = tapAll('anthropic-messages', [anthropicStream]);
    expect(tap.usage()).toEqual({ input: 472, cachedInput: 2000, cacheWrite: 100, output: 89 });
    expect(tap.reportedInput()).toEqual({ input: 472, cachedInput: 2000, cacheWrite: 100 });
    expect(tap.text()).toBe('Überlege…Hallo 👋 {"location": "');
  });

  it('takes the input and cache counts a newer message_delta repeats, keeps the start where it sends null', () => {
    const start = frame({ type: 'message_start', message: { usage: { input_tokens: 5, cache_read_input_tokens: 0, output_tokens: 1 } } }, 'message_start');
    const delta = frame({ type: 'message_delta', delta: {}, usage: { input_tokens: 7, cache_creation_input_tokens: null, cache_read_input_tokens: 30, output_tokens: 40 } }, 'message_delta');
    expect(tapAll('anthropic-messages', [start, delta]).usage()).toEqual({ input: 7, cachedInput: 30, cacheWrite: 0, output: 40 });
  });

  it('reports no usage for a stream cut before its end, but keeps what it saw', () => {
    const cut = anthropicStream.slice(0, anthropicStream.indexOf('event: message_delta'));
    const tap = tapAll('anthropic-messages', [cut]);
    expect(tap.usage()).toBeNull();
    expect(tap.reportedInput()).toEqual({ input: 472, cachedInput: 2000, cacheWrite: 100 });
    expect(tap.text()).toContain('Hallo');
    // an event whose blank line never came is not taken (the SSE rule)
    expect(tapAll('openai-chat', ['data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n']).usage()).toBeNull();
  });

  it('tells an error the upstream reported inside the stream, for each API, split anywhere and with CRLF; not text that mentions errors', () => {
    const anthropicError = anthropicStream.slice(0, anthropicStream.indexOf('event: message_delta')) + frame({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error');
    const responsesFailed =
      responsesStream.slice(0, responsesStream.indexOf('event: response.completed')) +
      frame({ type: 'response.failed', sequence_number: 5, response: { id: 'r1', status: 'failed', error: { code: 'server_error', message: 'The model failed' }, usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 } } }, 'response.failed');
    const responsesError = responsesStream.slice(0, responsesStream.indexOf('event: response.completed')) + frame({ type: 'error', code: 'server_error', message: 'x', param: null, sequence_number: 5 }, 'error');
    const chatError = chatStream.slice(0, chatStream.indexOf('data: {"id":"c1","object":"chat.completion.chunk","choices":[]')) + frame({ error: { message: 'The server had an error', type: 'server_error', param: null, code: null } });
    const spacedChatError = chatError.replace('data: {"error"', 'data: { "error"');
    expect(spacedChatError).not.toBe(chatError);
    const failing: [ApiShape, string][] = [['anthropic-messages', anthropicError], ['openai-responses', responsesFailed], ['openai-responses', responsesError], ['openai-chat', chatError], ['openai-chat', spacedChatError]];
    for (const [shape, stream] of failing) {
      for (const s of [stream, stream.replace(/\n/g, '\r\n')]) {
        for (const cut of [1, 7, 64]) {
          const chunks = Array.from({ length: Math.ceil(s.length / cut) }, (_, i) => s.slice(i * cut, (i + 1) * cut));
          expect(tapAll(shape, chunks).failed(), `${shape} cut every ${cut}`).toBe(true);
        }
      }
    }
    // whole streams, and text about errors, are not failures: a completed response says "error": null
    const aboutErrors = chatStream.replace('日本語', 'event: error {\\"error\\": 1}');
    const fine: [ApiShape, string][] = [['openai-chat', chatStream], ['openai-chat', aboutErrors], ['openai-responses', responsesStream.replace('"metadata":{}', '"error":null,"metadata":{}')], ['anthropic-messages', anthropicStream]];
    for (const [shape, stream] of fine) expect(tapAll(shape, [stream]).failed(), shape).toBe(false);
  });

  it('gives null when the usage is malformed', () => {
    expect(tapAll('openai-chat', [frame({ choices: [], usage: { prompt_tokens: -3, completion_tokens: 1 } })]).usage()).toBeNull();
    expect(tapAll('anthropic-messages', [frame({ type: 'message_delta', usage: { output_tokens: 'many' } }, 'message_delta')]).usage()).toBeNull();
  });

  it('accepts CRLF and CR line ends, multi-line data and unnamed events', () => {
    const twoLines = 'data: {"choices": [],\ndata:  "usage": {"prompt_tokens": 4, "completion_tokens": 2}}\n\n';
    expect(tapAll('openai-chat', [twoLines]).usage()).toEqual({ input: 4, cachedInput: 0, cacheWrite: 0, output: 2 });
    for (const eol of ['\r\n', '\r']) {
      expect(tapAll('openai-chat', [chatStream.replaceAll('\n', eol)]).usage()).toEqual({ input: 86, cachedInput: 1920, cacheWrite: 0, output: 300 });
      expect(tapAll('anthropic-messages', [anthropicStream.replaceAll('\n', eol)]).text()).toBe('Überlege…Hallo 👋 {"location": "');
    }
    const unnamed = responsesStream.replace(/^event: .*\n/gm, '');
    expect(tapAll('openai-responses', [unnamed]).usage()).toEqual({ input: 200, cachedInput: 128, cacheWrite: 0, output: 52 });
  });

  it('reads what the fake upstream streams', async () => {
    const prompt = 'Hello there';
    const chat = await fakeAnswer('openai-chat', { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: prompt }] });
    const chatTap = tapAll('openai-chat', chat.chunks);
    expect(chatTap.usage()).toEqual({ input: 3, cachedInput: 0, cacheWrite: 0, output: 9 });
    expect(chatTap.text()).toBe('This is a fake reply to: Hello there');
    // without include_usage the fake (like OpenAI) sends none: the proxy must add it
    const bare = await fakeAnswer('openai-chat', { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] });
    expect(tapAll('openai-chat', bare.chunks).usage()).toBeNull();
    const resp = await fakeAnswer('openai-responses', { model: 'gpt-4o-mini', stream: true, input: prompt });
    const respTap = tapAll('openai-responses', resp.chunks);
    expect(respTap.usage()).toEqual({ input: 3, cachedInput: 0, cacheWrite: 0, output: 9 });
    expect(respTap.text()).toBe('This is a fake reply to: Hello there');
    const msg = await fakeAnswer('anthropic-messages', { model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: prompt }] });
    const msgTap = tapAll('anthropic-messages', msg.chunks);
    expect(msgTap.usage()).toEqual({ input: 3, cachedInput: 0, cacheWrite: 0, output: 9 });
    expect(msgTap.text()).toBe('This is a fake reply to: Hello there');
  });

  it('finds the usage at the end of an event larger than it keeps', () => {
    const big = 'x'.repeat(300_000);
    const completed = frame({ type: 'response.completed', response: { instructions: big, output: [{ type: 'message', content: [{ type: 'output_text', text: big }] }], usage: { input_tokens: 9, output_tokens: 8 }, metadata: { k: 'v' } } }, 'response.completed');
    const tap = tapAll('openai-responses', [completed]);
    expect(tap.usage()).toEqual({ input: 9, cachedInput: 0, cacheWrite: 0, output: 8 });
    // the same with tiny limits, pushed a byte at a time
    const smaller = completed.replaceAll(big, big.slice(0, 2000));
    const small = createUsageTap('openai-responses', { sse: { headBytes: 64, tailBytes: 256 } });
    for (const b of Buffer.from(smaller)) small.push(Buffer.from([b]));
    expect(small.usage()).toEqual({ input: 9, cachedInput: 0, cacheWrite: 0, output: 8 });
  });

  it('keeps a bounded sample of the text and counts the rest', () => {
    const tap = createUsageTap('openai-chat', { maxTextChars: 10 });
    const delta = (content: string): string => frame({ choices: [{ index: 0, delta: { content } }] });
    tap.push(Buffer.from(delta('abcdefgh') + delta('ij🌍kl') + delta('ü'.repeat(1000))));
    // the cut never splits the emoji's surrogate pair
    expect(tap.text()).toBe('abcdefghij');
    expect(tap.droppedTextBytes()).toBe(Buffer.byteLength('🌍kl') + 2000);
  });

  it('never throws on garbage and finds nothing in it', () => {
    fc.assert(
      fc.property(fc.constantFrom<ApiShape>('openai-chat', 'openai-responses', 'anthropic-messages', 'openai-embeddings'), fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (shape, chunks) => {
        const tap = createUsageTap(shape);
        for (const c of chunks) tap.push(Buffer.from(c));
        expect(tap.usage()).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});

describe('any split of a stream gives the same result as the whole', () => {
  const streams: [ApiShape, string][] = [['openai-chat', chatStream], ['openai-responses', responsesStream], ['anthropic-messages', anthropicStream]];

  it('holds for every stream, line-end style and set of cut points (inside characters and CRLFs too)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...streams), fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.nat(), { maxLength: 40 }), ([shape, stream], eol, cuts) => {
        const bytes = Buffer.from(stream.replaceAll('\n', eol));
        const whole = tapAll(shape, [bytes]);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((p, i) => bytes.subarray(p, points[i] ?? bytes.length));
        const split = tapAll(shape, pieces);
        expect(split.usage()).toEqual(whole.usage());
        expect(split.text()).toBe(whole.text());
        expect(split.reportedInput()).toEqual(whole.reportedInput());
        expect(whole.usage()).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe('events parsed as they pass, the rest only when the estimate needs them', () => {
  it('picks the events whose usage is an object, not OpenAI\'s "usage":null on every chunk', () => {
    expect(mayCarryUsage('{"choices":[],"usage":{"prompt_tokens":1}}')).toBe(true);
    expect(mayCarryUsage('{"usage" :\n {"output_tokens":3}}')).toBe(true);
    expect(mayCarryUsage('{"choices":[{"delta":{"content":"hi"}}],"usage":null}')).toBe(false);
    // a later usage object counts even after a null one; a quoted "usage" inside text does not
    expect(mayCarryUsage('{"a":{"usage":null},"usage":{"x":1}}')).toBe(true);
    expect(mayCarryUsage('{"delta":{"content":"the \\"usage\\": {} key"}}')).toBe(false);
    expect(mayCarryUsage('{"usage"')).toBe(false);
  });

  it('reads a usage event split anywhere across chunks, the key itself too', () => {
    const last = frame({ id: 'c1', choices: [], usage: { prompt_tokens: 12, completion_tokens: 5 } });
    const bytes = Buffer.from(frame({ choices: [{ index: 0, delta: { content: 'hi' } }], usage: null }) + last + frame('[DONE]'));
    const key = bytes.indexOf('"usage":{');
    for (const cut of [key + 1, key + 4, key + 7, key + 8, bytes.indexOf('completion'), bytes.length - 12]) {
      const tap = tapAll('openai-chat', [bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(tap.usage()).toEqual({ input: 12, cachedInput: 0, cacheWrite: 0, output: 5 });
    }
  });

  it('gives the same text and dropped bytes whatever the held bound, for every shape', () => {
    const long = Array.from({ length: 200 }, (_, i) => frame({ choices: [{ index: 0, delta: { content: `wört ${i} ` } }], usage: null })).join('');
    const streams: [ApiShape, string][] = [['openai-chat', chatStream + long], ['openai-responses', responsesStream], ['anthropic-messages', anthropicStream]];
    for (const [shape, stream] of streams) {
      const roomy = tapAll(shape, [stream], { maxTextChars: 300 });
      for (const heldEventChars of [0, 1, 500, 5000]) {
        const tight = tapAll(shape, [stream], { maxTextChars: 300, heldEventChars });
        expect(tight.text()).toBe(roomy.text());
        expect(tight.droppedTextBytes()).toBe(roomy.droppedTextBytes());
        expect(tight.usage()).toEqual(roomy.usage());
      }
    }
  });

  it('keeps the text in stream order when the usage comes with the last text (compatible upstreams)', () => {
    const stream = frame({ choices: [{ index: 0, delta: { content: 'one ' } }] }) + frame({ choices: [{ index: 0, delta: { content: 'two' } }], usage: { prompt_tokens: 3, completion_tokens: 2 } });
    const tap = tapAll('openai-chat', [stream]);
    expect(tap.usage()).toEqual({ input: 3, cachedInput: 0, cacheWrite: 0, output: 2 });
    expect(tap.text()).toBe('one two');
  });
});

describe('events held as bytes (LF line ends) read as events held decoded (CR line ends)', () => {
  const long = Array.from({ length: 60 }, (_, i) => frame({ choices: [{ index: 0, delta: { content: `wört ${i} ` } }], usage: null })).join('');
  const streams: [ApiShape, string][] = [['openai-chat', chatStream + long], ['openai-responses', responsesStream], ['anthropic-messages', anthropicStream]];

  it('gives the same usage, input, text and dropped bytes for any cut, held bound and sample size, cut before the end or not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...streams), fc.array(fc.nat(), { maxLength: 30 }), fc.constantFrom(0, 100, 2000, 16 * 1024), fc.constantFrom(50, 16 * 1024), fc.nat(), (stream, cuts, heldEventChars, maxTextChars, end) => {
        const [shape, text] = stream;
        const whole = Buffer.from(text);
        const lf = whole.subarray(0, end % (whole.length + 1) < whole.length / 2 ? whole.length : end % (whole.length + 1));
        const points = [...new Set(cuts.map((c) => c % (lf.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((p, i) => lf.subarray(p, points[i] ?? lf.length));
        const asBytes = tapAll(shape, pieces, { heldEventChars, maxTextChars });
        const asLines = tapAll(shape, [lf.toString().replaceAll('\n', '\r')], { heldEventChars, maxTextChars });
        expect(asBytes.usage()).toEqual(asLines.usage());
        expect(asBytes.reportedInput()).toEqual(asLines.reportedInput());
        expect(asBytes.text()).toBe(asLines.text());
        expect(asBytes.droppedTextBytes()).toBe(asLines.droppedTextBytes());
      }),
      { numRuns: 300 },
    );
  });

  it('decodes every event whose data may carry usage, a key whose value goes on in the next data line too', () => {
    const raw = (data: string): Buffer => Buffer.from(`data: ${data.replaceAll('\n', '\ndata: ')}\n\n`);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('"usage"', ':', ' ', '\t', '\n', '{', 'null', '"x"', ',', '}'), { maxLength: 12 }), (parts) => {
        const data = parts.join('');
        if (mayCarryUsage(data)) expect(mayCarryUsageBytes(raw(data))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(mayCarryUsageBytes(raw('{"choices":[],"usage":null}'))).toBe(false);
    const split = 'data: {"choices":[],"usage"\ndata: :{"prompt_tokens":2,"completion_tokens":1}}\n\n';
    expect(tapAll('openai-chat', [split]).usage()).toEqual({ input: 2, cachedInput: 0, cacheWrite: 0, output: 1 });
  });
});

describe('usageObjectInTail', () => {
  it('takes the last usage object and skips braces inside strings', () => {
    expect(usageObjectInTail('…"usage":{"a":1},"x":{"usage": {"b":"}{","c":2}}')).toEqual({ b: '}{', c: 2 });
    expect(usageObjectInTail('"usage":{"a":1}, "usage":{"cut')).toEqual({ a: 1 });
    expect(usageObjectInTail('no usage here')).toBeUndefined();
  });
});

describe('memory held by a tap', () => {
  it('counts the read buffer an event held as bytes keeps alive toward its bound, so a small event cannot pin a large read', () => {
    const usageEvent = frame({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 }, pad: 'x'.repeat(1000) });
    const textEvent = frame({ choices: [{ index: 0, delta: { content: 'kept' } }], usage: null });
    // the upstream's read: a 64 KiB buffer whose last bytes are a large event (decoded as it passes) and a small one
    const read = new ArrayBuffer(64 * 1024);
    const bytes = Buffer.from(usageEvent + textEvent);
    const chunk = Buffer.from(read, read.byteLength - bytes.length, bytes.length);
    bytes.copy(chunk);
    const tap = createUsageTap('openai-chat');
    tap.push(chunk);
    // 64 KiB is over the held bound (16 KiB): the small event was read for its text at once, and no view on the read is kept
    const held = (tap as unknown as { held: unknown[] }).held;
    expect(held.some((e) => Buffer.isBuffer(e) && e.buffer === read)).toBe(false);
    expect(tap.usage()).toEqual({ input: 1, cachedInput: 0, cacheWrite: 0, output: 1 });
    expect(tap.text()).toBe('kept');
    // an event in a small read is held as bytes until its text is needed
    const own = createUsageTap('openai-chat');
    own.push(Buffer.from(textEvent));
    expect((own as unknown as { held: unknown[] }).held.filter((e) => Buffer.isBuffer(e))).toHaveLength(1);
    expect(own.text()).toBe('kept');
  });
});
