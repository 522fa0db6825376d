import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { MeteredRequest } from '../proxy/metered-request.js';
import { Readable } from 'node:stream';
import { loadTokenizer } from '../metering/encodings.js';
import { meterStream, readJsonAnswer, type StreamOutcome, type StreamRelay } from './metered-answer.js';

const call = { shape: 'openai-chat', model: 'gpt-4o-mini', inputTokensBound: 40, outputLimit: 50 } as MeteredRequest;
const frame = (data: unknown): string => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const delta = (content: string): string => frame({ choices: [{ index: 0, delta: { content } }], usage: null });
const usageFrame = frame({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 7 } });

/** A settle the test resolves by hand, recording what it was told. */
function manualSettle() {
  const outcomes: StreamOutcome[] = [];
  let release!: () => void;
  const settled = new Promise<void>((r) => (release = r));
  let called!: () => void;
  const wasCalled = new Promise<void>((r) => (called = r));
  const done = (o: StreamOutcome): Promise<void> => {
    outcomes.push(o);
    called();
    return settled;
  };
  return { outcomes, done, release, wasCalled };
}

/** Relays into `sink`: resolves when the sink finished, rejects when it was destroyed with an error (as a response cut off is). */
function relayed(relay: StreamRelay, sink: Writable): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    sink.once('finish', resolve);
    sink.once('error', reject);
  });
  relay.relayTo(sink);
  return done;
}

function collector() {
  const got: Buffer[] = [];
  let finished = false;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      got.push(chunk);
      cb();
    },
    final(cb) {
      finished = true;
      cb();
    },
  });
  return { sink, got, finished: () => finished };
}

describe('meterStream (relayed)', () => {
  it('passes every chunk on unchanged and in order, and ends only once the settle is done', async () => {
    const upstream = new PassThrough();
    const settle = manualSettle();
    const out = collector();
    const piped = relayed(meterStream(upstream, call, settle.done), out.sink);
    const chunks = [delta('Hello'), delta(' there'), usageFrame + frame('[DONE]')].map((c) => Buffer.from(c));
    for (const c of chunks) upstream.write(c);
    upstream.end();
    await settle.wasCalled;
    expect(settle.outcomes).toEqual([{ ended: true, usage: { input: 12, cachedInput: 0, cacheWrite: 0, output: 7 }, reported: true }]);
    // every byte reached the client before the settle; the end waits for it
    expect(Buffer.concat(out.got).equals(Buffer.concat(chunks))).toBe(true);
    expect(out.finished()).toBe(false);
    settle.release();
    await piped;
    expect(out.finished()).toBe(true);
  });

  it('estimates a stream without usage with the tokenizer, never above the output limit', async () => {
    const upstream = new PassThrough();
    const settle = manualSettle();
    settle.release();
    const out = collector();
    const piped = relayed(meterStream(upstream, call, settle.done), out.sink);
    upstream.end(delta('A few words of text') + frame('[DONE]'));
    await piped;
    const [o] = settle.outcomes;
    expect(o?.reported).toBe(false);
    expect(o?.ended).toBe(true);
    expect(o?.usage.input).toBe(40); // no input reported, and no request body to count: the bound
    expect(o?.usage.output).toBeGreaterThan(0);
    expect(o?.usage.output).toBeLessThan(10);

    const long = new PassThrough();
    const second = manualSettle();
    second.release();
    const drained = relayed(meterStream(long, call, second.done), collector().sink);
    long.end(Array.from({ length: 200 }, (_, i) => delta(`word number ${i} `)).join(''));
    await drained;
    expect(second.outcomes[0]?.usage.output).toBe(50);
  });

  it('leaves out the usage event the client did not ask for, in LF and CRLF streams, cut anywhere; metered from it all the same', async () => {
    for (const crlf of [false, true]) {
      const text = (t: string) => (crlf ? t.replace(/\n/g, '\r\n') : t);
      const whole = Buffer.from(text(delta('one ') + delta('two') + usageFrame + frame('[DONE]')));
      for (const size of [7, 64, 10_000]) {
        const upstream = new PassThrough();
        const settle = manualSettle();
        settle.release();
        const out = collector();
        const piped = relayed(meterStream(upstream, { ...call, usageNotAsked: true }, settle.done), out.sink);
        for (let i = 0; i < whole.length; i += size) upstream.write(whole.subarray(i, i + size));
        upstream.end();
        await piped;
        expect(Buffer.concat(out.got).toString(), `crlf ${crlf}, pieces of ${size}`).toBe(text(delta('one ') + delta('two') + frame('[DONE]')));
        expect(settle.outcomes[0]).toMatchObject({ reported: true, usage: { input: 12, output: 7 } });
      }
    }
  });

  it('keeps reading after the client left, and settles what the upstream reported', async () => {
    const upstream = new PassThrough();
    const settle = manualSettle();
    settle.release();
    const out = collector();
    meterStream(upstream, call, settle.done).relayTo(out.sink);
    upstream.write(delta('Hello'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.got).toHaveLength(1);
    out.sink.destroy(); // the client hung up
    await new Promise((resolve) => out.sink.once('close', resolve));
    // far more than any buffer holds: the upstream must not stall on a client that is gone
    for (let i = 0; i < 2000; i++) upstream.write(delta(`more text ${i} `));
    upstream.end(usageFrame + frame('[DONE]'));
    await settle.wasCalled;
    expect(settle.outcomes).toEqual([{ ended: true, usage: { input: 12, cachedInput: 0, cacheWrite: 0, output: 7 }, reported: true }]);
  });

  it('keeps back-pressure: a slow client pauses the upstream, and it reads on once the client took it', async () => {
    const upstream = new PassThrough({ highWaterMark: 16 });
    const settle = manualSettle();
    settle.release();
    const got: Buffer[] = [];
    let take!: () => void;
    // a client that takes nothing until told to
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        got.push(chunk);
        take = cb;
      },
    });
    const ended = relayed(meterStream(upstream, call, settle.done), slow);
    const big = Buffer.alloc(64 * 1024, 'a');
    upstream.write(big);
    upstream.write(big);
    upstream.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.isPaused()).toBe(true);
    expect(got).toHaveLength(1);
    take();
    await new Promise((resolve) => setImmediate(resolve));
    take();
    await ended;
    expect(Buffer.concat(got).length).toBe(2 * big.length);
  });

  it('a failing upstream errors the client stream at once and is not settled as ended', async () => {
    const upstream = new PassThrough();
    const settle = manualSettle();
    settle.release();
    const out = collector();
    const piped = relayed(meterStream(upstream, call, settle.done), out.sink);
    upstream.write(delta('Hello'));
    upstream.destroy(new Error('upstream broke'));
    await expect(piped).rejects.toThrow('upstream broke');
    await settle.wasCalled;
    expect(settle.outcomes[0]?.ended).toBe(false);
  });
});

describe('readJsonAnswer', () => {
  it('estimates an answer without usage from the text it generated, not from its JSON', async () => {
    const o200k = await loadTokenizer('o200k_base');
    const text = 'Lightning pays for tokens, one satoshi at a time.';
    const answer = { id: 'chatcmpl-x', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop' }] };
    const read = await readJsonAnswer(Readable.from([Buffer.from(JSON.stringify(answer))]), { ...call, outputLimit: 1000 });
    expect(read.reported).toBe(false);
    expect(read.usage.output).toBe(o200k.countTokens(text));
    // not JSON at all: counted whole
    const raw = await readJsonAnswer(Readable.from([Buffer.from('plain words here')]), { ...call, outputLimit: 1000 });
    expect(raw.usage.output).toBe(o200k.countTokens('plain words here'));
  });
});
