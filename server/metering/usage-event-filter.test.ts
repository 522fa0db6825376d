// The usage event a client did not ask for is left out of its stream, whatever the chunking; every
// other byte reaches it, in order.
import { describe, expect, it } from 'vitest';
import { UsageEventFilter } from './usage-event-filter.js';

const chunk = (i: number) => `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"word${i} "},"finish_reason":null}],"usage":null}\n\n`;
const USAGE_EVENT = 'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}\n\n';
const DONE = 'data: [DONE]\n\n';

/** The stream passed through a filter in pieces of `size` bytes (0: as one piece a chunk). */
function filtered(parts: string[], size: number): string {
  const filter = new UsageEventFilter();
  const whole = Buffer.from(parts.join(''));
  const pieces = size === 0 ? parts.map((p) => Buffer.from(p)) : Array.from({ length: Math.ceil(whole.length / size) }, (_x, i) => whole.subarray(i * size, (i + 1) * size));
  const out = pieces.map((p) => filter.pass(p).toString());
  return out.join('') + (filter.flush()?.toString() ?? '');
}

describe('the usage event a client did not ask for', () => {
  const stream = [chunk(1), chunk(2), chunk(3), USAGE_EVENT, DONE];
  const expected = [chunk(1), chunk(2), chunk(3), DONE].join('');

  it('is left out however the upstream cut its bytes; every other byte passes in order', () => {
    for (const size of [0, 1, 2, 7, 13, 64, 100_000]) expect(filtered(stream, size), `pieces of ${size}`).toBe(expected);
    // the usage event and [DONE] in the same write as the last content
    expect(filtered([chunk(1), chunk(2) + USAGE_EVENT + DONE], 0)).toBe([chunk(1), chunk(2), DONE].join(''));
  });

  it('is found with spaces in its JSON, and an event with no choices but no usage (Azure’s filter results) is kept', () => {
    const spaced = 'data: {"id": "c", "choices": [ ], "usage": {"prompt_tokens": 9}}\n\n';
    const azure = 'data: {"id":"","choices":[],"prompt_filter_results":[{"prompt_index":0}]}\n\n';
    expect(filtered([azure, chunk(1), spaced, DONE], 5)).toBe([azure, chunk(1), DONE].join(''));
  });

  it('content that quotes such JSON is not an event of its own and passes', () => {
    const quoting = 'data: {"choices":[{"index":0,"delta":{"content":"{\\"choices\\":[],\\"usage\\":{}}"}}]}\n\n';
    expect(filtered([quoting, DONE], 3)).toBe(quoting + DONE);
  });

  it('holds a partial event until its end, and gives out what the upstream left unended', () => {
    const filter = new UsageEventFilter();
    expect(filter.pass(Buffer.from(chunk(1) + 'data: {"cho')).toString()).toBe(chunk(1));
    expect(filter.pass(Buffer.from('ices":[{"delta":{}}]}\n\ndata: [DONE]')).toString()).toBe('data: {"choices":[{"delta":{}}]}\n\n');
    expect(filter.flush()?.toString()).toBe('data: [DONE]');
    expect(filter.flush()).toBeNull();
  });

  it('is left out of a stream whose lines end in CRLF, however cut; one whose lines end in CR alone passes as it comes', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const stream = [chunk(1), chunk(2), USAGE_EVENT, DONE].map(crlf);
    for (const size of [0, 1, 3, 64]) expect(filtered(stream, size), `pieces of ${size}`).toBe([chunk(1), chunk(2), DONE].map(crlf).join(''));
    const cr = [chunk(1), USAGE_EVENT].map((text) => text.replace(/\n/g, '\r'));
    expect(filtered(cr, 0)).toBe(cr.join(''));
  });
});
