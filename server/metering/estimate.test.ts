import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ceilingMsat, chargeMsat } from './charge.js';
import { loadTokenizer } from './encodings.js';
import { estimateUsage, UNKNOWN_TOKENIZER_FACTOR } from './estimate.js';
import type { MeteredPrice } from './price.js';
import { createUsageTap } from './usage-tap.js';

const o200k = await loadTokenizer('o200k_base');
const cl100k = await loadTokenizer('cl100k_base');
const text = 'Lightning pays for tokens, one satoshi at a time. 🌩️';

describe('estimateUsage', () => {
  it('charges the likely input (never above the bound) and the tokens of the text seen', async () => {
    expect(await estimateUsage({ shape: 'openai-chat', model: 'gpt-4o', inputBound: 120, likelyInput: 14, outputLimit: 1000, outputText: text }))
      .toEqual({ input: 14, cachedInput: 0, cacheWrite: 0, output: o200k.countTokens(text) });
    expect((await estimateUsage({ shape: 'openai-chat', model: 'gpt-4o', inputBound: 10, likelyInput: 14, outputLimit: 1000, outputText: text })).input).toBe(10);
    expect((await estimateUsage({ shape: 'openai-chat', model: 'gpt-3.5-turbo', inputBound: 1, likelyInput: 1, outputLimit: 1000, outputText: text })).output).toBe(cl100k.countTokens(text));
    expect((await estimateUsage({ shape: 'openai-chat', model: 'gpt-4o', inputBound: 1, likelyInput: 1, outputLimit: 1000, outputText: '' })).output).toBe(0);
  });

  it('counts text with long runs of letters by the tokenizer, not by its bytes (a stream cut short is charged what it delivered)', async () => {
    const long = Array.from({ length: 3 }, () => 'lightning'.repeat(12)).join(' ');
    const u = await estimateUsage({ shape: 'openai-chat', model: 'gpt-4o', inputBound: 1000, likelyInput: 1, outputLimit: 1000, outputText: long });
    expect(u.output).toBeLessThan(Buffer.byteLength(long) / 3);
    expect(u.output).toBeGreaterThanOrEqual(o200k.countTokens(long));
  });

  it('uses o200k raised by a quarter where the tokenizer is unknown', async () => {
    const u = await estimateUsage({ shape: 'anthropic-messages', model: 'claude-sonnet-4-5', inputBound: 1, likelyInput: 1, outputLimit: 1000, outputText: text });
    expect(u.output).toBe(Math.ceil(o200k.countTokens(text) * UNKNOWN_TOKENIZER_FACTOR));
  });

  it('takes the input the stream reported, within the bound', async () => {
    const reportedInput = { input: 30, cachedInput: 50, cacheWrite: 10 };
    expect(await estimateUsage({ shape: 'anthropic-messages', model: 'claude-haiku-4-5', inputBound: 500, likelyInput: 500, outputLimit: 10, outputText: '', reportedInput }))
      .toEqual({ ...reportedInput, output: 0 });
    expect(await estimateUsage({ shape: 'anthropic-messages', model: 'claude-haiku-4-5', inputBound: 55, likelyInput: 55, outputLimit: 10, outputText: '', reportedInput }))
      .toEqual({ input: 0, cachedInput: 45, cacheWrite: 10, output: 0 });
  });

  it('extrapolates text beyond the kept sample at the sample rate', async () => {
    const tap = createUsageTap('openai-chat', { maxTextChars: 100 });
    const long = 'word '.repeat(1000);
    tap.push(Buffer.from(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: long } }] })}\n\n`));
    const u = await estimateUsage({ shape: 'openai-chat', model: 'gpt-4o', inputBound: 0, likelyInput: 0, outputLimit: 100_000, outputText: tap.text(), droppedTextBytes: tap.droppedTextBytes() });
    const kept = tap.text();
    const keptTokens = o200k.countTokens(kept);
    expect(u.output).toBe(Math.ceil(keptTokens + (tap.droppedTextBytes() * keptTokens) / Buffer.byteLength(kept)));
    // and close to the truth for uniform text
    expect(Math.abs(u.output - o200k.countTokens(long))).toBeLessThan(0.06 * o200k.countTokens(long));
    expect((await estimateUsage({ shape: 'openai-chat', model: 'gpt-4o', inputBound: 0, likelyInput: 0, outputLimit: 100_000, outputText: '', droppedTextBytes: 401 })).output).toBe(101);
  });

  it('never charges above the ceiling', async () => {
    const price: MeteredPrice = { callSats: 1, inputSatsPerMtok: 150, cachedInputSatsPerMtok: 75, cacheWriteSatsPerMtok: 187.5, outputSatsPerMtok: 600, maxOutputTokens: 4096 };
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 400 }), fc.nat(10_000), fc.nat(10_000), fc.integer({ min: 1, max: 4096 }), fc.nat(100_000),
        fc.option(fc.record({ input: fc.nat(20_000), cachedInput: fc.nat(20_000), cacheWrite: fc.nat(20_000) }), { nil: null }),
        fc.constantFrom('gpt-4o', 'claude-haiku-4-5'),
        async (outputText, inputBound, likelyInput, outputLimit, droppedTextBytes, reportedInput, model) => {
          const shape = model.startsWith('claude') ? 'anthropic-messages' : 'openai-chat';
          const u = await estimateUsage({ shape, model, inputBound, likelyInput, outputLimit, outputText, droppedTextBytes, reportedInput });
          expect(u.input + u.cachedInput + u.cacheWrite).toBeLessThanOrEqual(inputBound);
          expect(u.output).toBeLessThanOrEqual(outputLimit);
          expect(chargeMsat(price, u) <= ceilingMsat(price, inputBound, outputLimit)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
