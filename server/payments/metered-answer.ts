// Reading a metered answer for its usage. A JSON answer is read whole (it is small) so that its
// charge is settled before the headers go out; a stream passes every chunk on at once while a tap
// reads the usage, and keeps being read to its end when the client has left.
import { PassThrough, type Readable } from 'node:stream';
import { createUsageTap, estimateUsage, usageFromJson, type TokenUsage } from '../metering/index.js';
import type { MeteredRequest } from '../proxy/metered-request.js';

/** The most of a JSON answer read to find its usage; answers with usage are far smaller. */
const JSON_ANSWER_LIMIT = 32 * 1024 * 1024;

export async function readJsonAnswer(body: Readable, call: MeteredRequest): Promise<{ bytes: Buffer; usage: TokenUsage; reported: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= JSON_ANSWER_LIMIT) chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    parsed = null;
  }
  const usage = usageFromJson(call.shape, parsed);
  if (usage) return { bytes, usage, reported: true };
  return { bytes, usage: estimateUsage(call, bytes.toString('utf8')), reported: false };
}

export interface StreamOutcome {
  /** the upstream ended its answer (usage read or estimated); false: it failed mid-way */
  ended: boolean;
  usage: TokenUsage;
  reported: boolean;
}

/**
 * Tees an SSE answer: the returned stream gets each chunk as it arrives (back-pressure kept);
 * `done` is called once, when the upstream's answer ended or failed, with what it used. The
 * client's stream ends only after `done` settled, so its receipt is readable the moment it ends.
 */
export function meterStream(upstream: Readable, call: MeteredRequest, done: (outcome: StreamOutcome) => Promise<void>): Readable {
  const tap = createUsageTap(call.shape);
  const out = new PassThrough();
  let clientGone = false;
  let finished = false;
  const finish = (ended: boolean): Promise<void> => {
    if (finished) return Promise.resolve();
    finished = true;
    const usage = tap.usage();
    return done({ ended, usage: usage ?? estimateUsage(call, tap.text()), reported: usage !== null });
  };
  out.on('error', () => {});
  out.on('close', () => {
    if (finished || out.writableFinished) return;
    // the client left: keep reading the upstream's answer to learn what it used
    clientGone = true;
    upstream.resume();
  });
  upstream.on('data', (chunk: Buffer) => {
    tap.push(chunk);
    if (clientGone || out.destroyed) return;
    if (!out.write(chunk)) {
      upstream.pause();
      out.once('drain', () => upstream.resume());
    }
  });
  upstream.on('end', () => {
    void finish(true).finally(() => {
      if (!clientGone) out.end();
    });
  });
  upstream.on('error', (err) => {
    if (!clientGone) out.destroy(err);
    void finish(false);
  });
  return out;
}
