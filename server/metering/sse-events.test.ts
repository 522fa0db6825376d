import { describe, expect, it } from 'vitest';
import { createSseReader, type SseEvent } from './sse-events.js';

function read(chunks: readonly string[], limits?: { headBytes: number; tailBytes: number }): SseEvent[] {
  const events: SseEvent[] = [];
  const reader = createSseReader((e) => events.push(e), limits);
  for (const c of chunks) reader.push(Buffer.from(c));
  return events;
}

describe('createSseReader', () => {
  it('follows the SSE field rules', () => {
    expect(read(['event: a\ndata: 1\n\n', ': comment\n\n', 'data:2\nid: 7\nretry: 10\n\n', 'data\n\n', 'event: lone\n\n', 'data: 3\n'])).toEqual([
      { event: 'a', data: '1', truncated: false },
      // the event name does not carry over; no space after the colon is fine
      { event: 'message', data: '2', truncated: false },
      // a bare `data` field is an empty data line
      { event: 'message', data: '', truncated: false },
      // `event: lone` had no data: nothing dispatched; `data: 3` never got its blank line
    ]);
  });

  it('joins data lines with newlines and strips only one leading space', () => {
    expect(read(['data:  a\ndata: b\n\n'])).toEqual([{ event: 'message', data: ' a\nb', truncated: false }]);
  });

  it('treats CR LF split across chunks as one line end', () => {
    expect(read(['data: 1\r', '\n\r', '\ndata: 2\r\r'])).toEqual([
      { event: 'message', data: '1', truncated: false },
      { event: 'message', data: '2', truncated: false },
    ]);
  });

  it('decodes characters split across chunks', () => {
    const bytes = Buffer.from('data: 🌍é\n\n');
    const events: SseEvent[] = [];
    const reader = createSseReader((e) => events.push(e));
    for (const b of bytes) reader.push(Buffer.from([b]));
    expect(events).toEqual([{ event: 'message', data: '🌍é', truncated: false }]);
  });

  it('reads the same events however the stream is cut into chunks', () => {
    const stream = Buffer.from('event: a\r\ndata: 1\r\n\r\n: keep-alive\n\ndata: 🌍é\ndata:  x\r\rdata: {"usage":{"n":2}}\n\ndata: tail\n');
    const read = (chunks: Buffer[]): SseEvent[] => {
      const events: SseEvent[] = [];
      const reader = createSseReader((e) => events.push(e));
      for (const c of chunks) reader.push(c);
      return events;
    };
    const whole = read([stream]);
    expect(whole).toEqual([
      { event: 'a', data: '1', truncated: false },
      { event: 'message', data: '🌍é\n x', truncated: false },
      { event: 'message', data: '{"usage":{"n":2}}', truncated: false },
    ]);
    // every cut in two and in three (lines whole, split mid-line, mid-character, between CR and LF), and byte by byte
    for (let i = 0; i <= stream.length; i++) {
      expect(read([stream.subarray(0, i), stream.subarray(i)])).toEqual(whole);
      for (let j = i; j <= stream.length; j += 7) expect(read([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)])).toEqual(whole);
    }
    expect(read([...stream].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('keeps the head and the tail of an oversized event and says so', () => {
    const long = `data: ${'a'.repeat(100)}${'b'.repeat(100)}XYZ\n\n`;
    const [event] = read([long], { headBytes: 10, tailBytes: 5 });
    // the line's head holds `data: ` and 4 a's; its tail the last 5 bytes
    expect(event).toEqual({ event: 'message', data: 'aaaabbXYZ', truncated: true });
    // many data lines add up the same way
    const [many] = read([`${'data: 0123456789\n'.repeat(10)}\n`], { headBytes: 32, tailBytes: 4 });
    expect(many).toEqual({ event: 'message', data: '0123456789\n0123456789\n01234567896789', truncated: true });
  });
});
