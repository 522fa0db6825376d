import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseEventSplitter } from './sse-event-bytes.js';
import { createSseReader, type SseEvent } from './sse-events.js';

const stream = ['event: a\ndata: 1\n\n', ': keep-alive\n\n', 'data: {"x":"🌍"}\ndata: 2\n\n', '\n', 'data: 3\n\n', 'data: [DONE]\n\n'].join('');

function split(pieces: readonly Buffer[], maxEventBytes = 1024): { events: Buffer[]; gaveUpAt: number; rest: Buffer[] } {
  const events: Buffer[] = [];
  const splitter = new SseEventSplitter((e) => events.push(Buffer.from(e)), maxEventBytes);
  for (let i = 0; i < pieces.length; i++) if (!splitter.push(pieces[i]!)) return { events, gaveUpAt: i, rest: splitter.rest() };
  return { events, gaveUpAt: -1, rest: splitter.rest() };
}

function decoded(chunks: readonly Buffer[]): SseEvent[] {
  const out: SseEvent[] = [];
  const reader = createSseReader((e) => out.push(e));
  for (const c of chunks) reader.push(c);
  return out;
}

const cutsOf = (bytes: Buffer, cuts: number[]): Buffer[] => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((p, i) => bytes.subarray(p, points[i] ?? bytes.length));
};

describe('SseEventSplitter', () => {
  it('passes each whole event once, in order, however the stream is cut; each one read alone reads as in the stream', () => {
    const bytes = Buffer.from(stream);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
        const { events, gaveUpAt, rest } = split(cutsOf(bytes, cuts));
        expect(gaveUpAt).toBe(-1);
        expect(Buffer.concat(events).toString()).toBe(stream);
        expect(rest).toEqual([]);
        expect(events.flatMap((e) => decoded([e]))).toEqual(decoded([bytes]));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an event whose blank line has not come', () => {
    const { events, rest } = split([Buffer.from('data: 1\n\ndata: 2\n')]);
    expect(events.map(String)).toEqual(['data: 1\n\n']);
    expect(Buffer.concat(rest).toString()).toBe('data: 2\n');
  });

  it('gives up at a CR, or an event longer than it may hold, leaving every byte it did not pass', () => {
    const cr = split([Buffer.from('data: 1\n\ndata: '), Buffer.from('2\r\n\r\n')]);
    expect(cr.gaveUpAt).toBe(1);
    expect(cr.events.map(String)).toEqual(['data: 1\n\n']);
    expect(Buffer.concat(cr.rest).toString()).toBe('data: 2\r\n\r\n');
    const long = split([Buffer.from('data: 1\n\ndata: '), Buffer.from('x'.repeat(20))], 16);
    expect(long.gaveUpAt).toBe(1);
    expect(Buffer.concat(long.rest).toString()).toBe(`data: ${'x'.repeat(20)}`);
  });
});
