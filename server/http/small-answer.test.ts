import { once } from 'node:events';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isSmallAnswer, readSmallAnswer, SMALL_ANSWER_BYTES } from './small-answer.js';

/** A stream that gives `chunks`, then ends, or fails with `err`. */
function source(chunks: string[], err?: Error): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks.length) this.push(Buffer.from(chunks[i++]!));
      else if (err) this.destroy(err);
      else this.push(null);
    },
  });
}

async function collect(r: Readable): Promise<{ bytes: string; error: Error | null }> {
  const got: Buffer[] = [];
  try {
    for await (const c of r) got.push(c as Buffer);
    return { bytes: Buffer.concat(got).toString(), error: null };
  } catch (e) {
    return { bytes: Buffer.concat(got).toString(), error: e as Error };
  }
}

describe('isSmallAnswer', () => {
  it('takes a declared length up to the limit, and nothing without one or above it', () => {
    expect(isSmallAnswer({ 'content-length': '414', 'content-type': 'application/json' })).toBe(true);
    expect(isSmallAnswer({ 'content-length': '0', 'content-type': 'text/plain; charset=utf-8' })).toBe(true);
    expect(isSmallAnswer({ 'content-length': String(SMALL_ANSWER_BYTES), 'content-type': 'application/json' })).toBe(true);
    expect(isSmallAnswer({ 'content-length': String(SMALL_ANSWER_BYTES + 1), 'content-type': 'application/json' })).toBe(false);
    expect(isSmallAnswer({ 'content-type': 'application/json' })).toBe(false);
    expect(isSmallAnswer({ 'content-length': ['10', '10'], 'content-type': 'application/json' })).toBe(false);
    expect(isSmallAnswer({ 'content-length': '1e3', 'content-type': 'application/json' })).toBe(false);
  });

  it('streams an answer without a media type, which Fastify would label application/octet-stream as a buffer', () => {
    expect(isSmallAnswer({ 'content-length': '10' })).toBe(false);
    expect(isSmallAnswer({ 'content-length': '10', 'content-type': 'json' })).toBe(false);
    expect(isSmallAnswer({ 'content-length': '10', 'content-type': 'a/b/c' })).toBe(false);
    expect(isSmallAnswer({ 'content-length': '10', 'content-type': ['application/json'] })).toBe(false);
  });

  it('never takes an event stream', () => {
    expect(isSmallAnswer({ 'content-length': '20', 'content-type': 'text/event-stream; charset=utf-8' })).toBe(false);
    expect(isSmallAnswer({ 'content-length': '20', 'content-type': ['Text/Event-Stream'] })).toBe(false);
  });
});

describe('readSmallAnswer', () => {
  it('gives the whole body as one buffer', async () => {
    const body = await readSmallAnswer(source(['{"a":', '1}']));
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body.toString()).toBe('{"a":1}');
  });

  it('gives an empty body as an empty buffer', async () => {
    const body = await readSmallAnswer(source([]));
    expect(Buffer.isBuffer(body) && body.length).toBe(0);
  });

  it('rejects with the error when the body fails before any byte', async () => {
    const err = new Error('reset');
    await expect(readSmallAnswer(source([], err))).rejects.toBe(err);
  });

  it('replays what came and then fails, when the body fails part way', async () => {
    const err = new Error('cut');
    const body = await readSmallAnswer(source(['one', 'two'], err));
    expect(Buffer.isBuffer(body)).toBe(false);
    const got = await collect(body as Readable);
    expect(got.bytes).toBe('onetwo');
    expect(got.error).toBe(err);
  });

  it('treats a close without an end as a failure', async () => {
    const r = new Readable({ read() {} });
    const pending = readSmallAnswer(r);
    const read = once(r, 'data');
    r.push(Buffer.from('part'));
    await read;
    r.destroy();
    const body = await pending;
    const got = await collect(body as Readable);
    expect(got.bytes).toBe('part');
    expect((got.error as { code?: string } | null)?.code).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });
});
