// The event re-cutter a session-paid stream runs through: the bytes are the client's unchanged,
// but each chunk is one whole event, so the draft's own events never land inside one.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wholeEvents } from './stream-budget.js';

async function recut(chunks: Buffer[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(wholeEvents())) out.push(c as Buffer);
  return out;
}

describe('wholeEvents', () => {
  it('passes the same bytes on, one whole event a chunk, however the upstream cut them (inside a UTF-8 character too)', async () => {
    const events = ['data: {"a":"héllo ✓"}\n\n', 'event: x\ndata: 1\n\n', 'data: [DONE]\n\n'];
    const bytes = Buffer.from(events.join(''), 'utf8');
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 8 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const chunks = at.slice(1).map((end, i) => bytes.subarray(at[i], end));
        const out = await recut(chunks);
        expect(out.map((c) => c.toString('utf8'))).toEqual(events);
      }),
    );
  });

  it('keeps a trailing partial event for the end, and CRLF blank lines end an event too', async () => {
    const out = await recut([Buffer.from('data: 1\r\n\r\ndata: 2\n\ndata: cut')]);
    expect(out.map((c) => c.toString())).toEqual(['data: 1\r\n\r\n', 'data: 2\n\n', 'data: cut']);
  });
});
