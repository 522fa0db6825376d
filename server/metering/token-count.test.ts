import fc from 'fast-check';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { describe, expect, it } from 'vitest';
import { encodingForModel, loadTokenizer, preloadTokenizers, type Tokenizer } from './encodings.js';
import { createTextCounter, ESTIMATE_SLICE_CHARS, hasLongRun, RUN_BLOCK } from './token-count.js';

const o200k = await loadTokenizer('o200k_base');
const cl100k = await loadTokenizer('cl100k_base');

/** Counts calls, to see which texts went to the tokenizer. */
function spy(tokenizer: Tokenizer): Tokenizer & { calls: string[] } {
  const calls: string[] = [];
  return { calls, countTokens: (t) => (calls.push(t), tokenizer.countTokens(t)) };
}

// Runs of one character class, so long pieces and their edges come up often.
const CLASSES = ['a', 'Z', 'é', '日', '\u0301', ' ', '\n', '\r', '/', '!', '=', '7', '½', '😀', '\t', "'", '!\u0301', '\n/', 'a\u0301', ' \t', '\r\n', 'aB'];
const runs = fc.array(fc.tuple(fc.constantFrom(...CLASSES), fc.integer({ min: 1, max: 80 })), { minLength: 2, maxLength: 12 })
  .map((parts) => parts.map(([c, n]) => c.repeat(n)).join(''));
const texts = fc.oneof(runs, fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }));

describe('hasLongRun', () => {
  it('clears prose and flags long runs of one kind', () => {
    expect(hasLongRun('The quick brown fox jumps over the lazy dog. '.repeat(50))).toBe(false);
    expect(hasLongRun('我们的价格是按令牌计算的，请付款。'.repeat(20))).toBe(false);
    expect(hasLongRun('a'.repeat(2 * RUN_BLOCK))).toBe(true);
    expect(hasLongRun('='.repeat(2 * RUN_BLOCK))).toBe(true);
    expect(hasLongRun(' '.repeat(2 * RUN_BLOCK))).toBe(true);
    expect(hasLongRun('\n/'.repeat(RUN_BLOCK))).toBe(true);
    expect(hasLongRun('日'.repeat(2 * RUN_BLOCK))).toBe(true);
    // digits break every piece: base64-like text passes
    expect(hasLongRun('aGVsbG8gd29ybGQ1234abcd9xyz0'.repeat(20))).toBe(false);
  });

  it('when clear, no pre-split piece of o200k or cl100k is longer than 4·RUN_BLOCK−3', () => {
    fc.assert(
      fc.property(texts, (text) => {
        if (hasLongRun(text)) return;
        for (const regex of [O200K_TOKEN_SPLIT_REGEX, CL100K_TOKEN_SPLIT_REGEX]) {
          for (const [piece] of text.matchAll(regex)) expect(piece.length).toBeLessThanOrEqual(4 * RUN_BLOCK - 3);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('createTextCounter', () => {
  it('counts with the tokenizer within its budget, by bytes beyond it', () => {
    const tokenizer = spy(o200k);
    const count = createTextCounter(tokenizer, 20);
    expect(count('Hello world')).toBe(2);
    expect(count('Hello again world')).toBe(Buffer.byteLength('Hello again world')); // 11 + 17 > 20
    expect(count('Hi you')).toBe(2); // still fits: 11 + 6 <= 20
    expect(tokenizer.calls).toEqual(['Hello world', 'Hi you']);
    expect(count('')).toBe(0);
  });

  it('counts a text seen lately from memory: not tokenized again, not spending the next request\'s budget', () => {
    const tokenizer = spy(o200k);
    const system = 'You are a careful assistant. Answer in one short paragraph.';
    const first = createTextCounter(tokenizer)(system);
    expect(first).toBe(o200k.countTokens(system));
    // the next request resends it, with a budget too small to tokenize it
    const next = createTextCounter(tokenizer, 5);
    expect(next(system)).toBe(first);
    expect(next('Hi')).toBe(1); // the budget is still whole
    expect(tokenizer.calls).toEqual([system, 'Hi']);
  });

  it('counts a text with a long run by bytes, without tokenizing it', () => {
    const tokenizer = spy(o200k);
    const long = `x${'a'.repeat(20_000)}`;
    expect(createTextCounter(tokenizer)(long)).toBe(20_001);
    expect(tokenizer.calls).toEqual([]);
  });

  it('as an estimate, counts a text with a long run slice by slice: near the tokenizer\'s count, far below its bytes', () => {
    const tokenizer = spy(o200k);
    const long = Array.from({ length: 12 }, () => 'lightning'.repeat(12)).join(' ');
    const estimate = createTextCounter(tokenizer, Number.POSITIVE_INFINITY, 'sliced')(long);
    const exact = o200k.countTokens(long);
    expect(estimate).toBeGreaterThanOrEqual(exact);
    expect(estimate).toBeLessThanOrEqual(exact + Math.ceil(long.length / ESTIMATE_SLICE_CHARS) * 2);
    expect(estimate).toBeLessThan(Buffer.byteLength(long) / 3);
    expect(tokenizer.calls.every((slice) => slice.length <= ESTIMATE_SLICE_CHARS)).toBe(true);
    // a bound still counts its bytes
    expect(createTextCounter(tokenizer)(long)).toBe(Buffer.byteLength(long));
  });

  it('as an estimate, never cuts a character in two', () => {
    const emoji = '😀'.repeat(ESTIMATE_SLICE_CHARS); // two UTF-16 units each: a cut at 256 units would split none, at 255 one
    const tokenizer = spy(o200k);
    createTextCounter(tokenizer, Number.POSITIVE_INFINITY, 'sliced')(`x${emoji}`);
    expect(tokenizer.calls.join('')).toBe(`x${emoji}`);
    for (const slice of tokenizer.calls) expect(slice).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });

  it('counts by bytes without a tokenizer (Anthropic, unknown models)', () => {
    expect(createTextCounter(null)('héllo 🌍')).toBe(11);
  });

  it('treats text that spells a special token as plain text', () => {
    expect(createTextCounter(o200k)('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('is never below the exact count, whatever the budget', () => {
    fc.assert(
      fc.property(texts, fc.constantFrom(o200k, cl100k), fc.integer({ min: 0, max: 1000 }), (text, tokenizer, budget) => {
        expect(createTextCounter(tokenizer, budget)(text)).toBeGreaterThanOrEqual(tokenizer.countTokens(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodingForModel', () => {
  it('knows the OpenAI families and nothing else', () => {
    for (const m of ['gpt-4o', 'gpt-4o-mini-2024-07-18', 'chatgpt-4o-latest', 'gpt-4.1-nano', 'gpt-4.5-preview', 'gpt-5', 'gpt-5.4-mini', 'o1', 'o3-mini', 'o4-mini', 'gpt-oss-20b', 'ft:gpt-4o-mini-2024-07-18:org::abc']) {
      expect(encodingForModel(m)).toBe('o200k_base');
    }
    for (const m of ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002', 'ft:gpt-3.5-turbo-0125:org::x']) {
      expect(encodingForModel(m)).toBe('cl100k_base');
    }
    for (const m of ['claude-sonnet-4-5', 'omni-moderation-latest', 'gpt-6', 'mistral-large', '', 'ft:']) expect(encodingForModel(m)).toBeNull();
  });

  it('gives the same answers when asked again, also after more model names than it keeps', () => {
    for (let i = 0; i < 600; i++) expect(encodingForModel(`gpt-4o-variant-${i}`)).toBe('o200k_base');
    for (let round = 0; round < 2; round++) {
      expect(encodingForModel('gpt-4o-mini')).toBe('o200k_base');
      expect(encodingForModel('gpt-3.5-turbo')).toBe('cl100k_base');
      expect(encodingForModel('claude-haiku-4-5')).toBeNull();
    }
  });

  it('loads each tokenizer once', async () => {
    await preloadTokenizers(['gpt-4o', 'gpt-4', 'claude-haiku-4-5']);
    expect(await loadTokenizer('o200k_base')).toBe(o200k);
    expect(await loadTokenizer('cl100k_base')).toBe(cl100k);
  });
});
