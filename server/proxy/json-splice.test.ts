import { describe, expect, it } from 'vitest';
import { prependJsonKeys } from './json-splice.js';

describe('prependJsonKeys', () => {
  it('adds keys first and keeps every other byte as sent', () => {
    const raw = Buffer.from('  {"model":"m", "seed": 12345678901234567890, "x" : [1,2]}\n');
    const out = prependJsonKeys(raw, { max_completion_tokens: 16, stream_options: { include_usage: true } });
    expect(out.toString()).toBe('  {"max_completion_tokens":16,"stream_options":{"include_usage":true},"model":"m", "seed": 12345678901234567890, "x" : [1,2]}\n');
    expect(JSON.parse(out.toString())).toMatchObject({ model: 'm', max_completion_tokens: 16 });
  });

  it('keeps text beyond ASCII byte for byte', () => {
    const raw = Buffer.from('\r\n\t{"messages":[{"content":"Grüße 🌍 日本語"}]}');
    const out = prependJsonKeys(raw, { stream_options: { include_usage: true } });
    expect(out.toString()).toBe('\r\n\t{"stream_options":{"include_usage":true},"messages":[{"content":"Grüße 🌍 日本語"}]}');
  });

  it('handles an empty object and leaves the body alone when nothing is added', () => {
    expect(prependJsonKeys(Buffer.from('{ }'), { a: 1 }).toString()).toBe('{"a":1 }');
    const raw = Buffer.from('{"a":1}');
    expect(prependJsonKeys(raw, {})).toBe(raw);
  });

  it('refuses a body that is not an object', () => {
    expect(() => prependJsonKeys(Buffer.from('[1]'), { a: 1 })).toThrow(/JSON object/);
    expect(() => prependJsonKeys(Buffer.from(' \n'), { a: 1 })).toThrow(/JSON object/);
  });
});
