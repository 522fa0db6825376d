// Reading a metered answer for its usage. A JSON answer is read whole (it is small) so that its
// charge is settled before the headers go out; a stream passes every chunk on at once while a tap
// reads the usage, and keeps being read to its end when the client has left.
import { PassThrough, type Readable } from 'node:stream';
import { createUsageTap, estimateUsage, usageFromJson, type EstimateInput, type TokenUsage, type UsageTap } from '../metering/index.js';
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
  return { bytes, usage: await estimateUsage(estimateInput(call, { outputText: bytes.toString('utf8') })), reported: false };
}

export interface StreamOutcome {
  /** the upstream ended its answer (usage read or estimated); false: it failed mid-way */
  ended: boolean;
  usage: TokenUsage;
  reported: boolean;
  /** a StreamGate ended it: the chunk it refused and all after were never sent (nor read) */
  stopped?: boolean;
}

/** Decides, chunk by chunk, what a stream may deliver (an MPP session's balance: payments/stream-budget.ts). */
export interface StreamGate {
  /**
   * Called before a chunk goes to the client, after the tap saw it: true sends it; a promise holds
   * the upstream until it settles, then true sends it and false ends the stream before it. `say`
   * writes to the client ahead of the chunk.
   */
  admit(chunk: Buffer, tap: UsageTap, say: (text: string) => void): boolean | Promise<boolean>;
}

/**
 * Tees an SSE answer: the returned stream gets each chunk as it arrives (back-pressure kept);
 * `done` is called once, when the upstream's answer ended or failed, with what it used. The
 * client's stream ends only after `done` settled, so its receipt is readable the moment it ends.
 */
export function meterStream(upstream: Readable, call: MeteredRequest, done: (outcome: StreamOutcome) => Promise<void>, gate?: StreamGate): Readable {
  const tap = createUsageTap(call.shape);
  const out = new PassThrough();
  let clientGone = false;
  let finished = false;
  const finish = async (ended: boolean, stopped = false): Promise<void> => {
    if (finished) return;
    finished = true;
    const usage = tap.usage();
    const reportedInput = tap.reportedInput();
    const estimated = usage ?? (await estimateUsage(estimateInput(call, { outputText: tap.text(), droppedTextBytes: tap.droppedTextBytes(), ...(reportedInput ? { reportedInput } : {}) })));
    await done({ ended, usage: estimated, reported: usage !== null, ...(stopped ? { stopped } : {}) });
  };
  out.on('error', () => {});
  out.on('close', () => {
    if (finished || out.writableFinished) return;
    // the client left: keep reading the upstream's answer to learn what it used
    clientGone = true;
    upstream.resume();
  });
  /** writes a chunk on; false when the client must drain first (the upstream then waits) */
  const send = (chunk: Buffer): boolean => {
    if (out.write(chunk)) return true;
    upstream.pause();
    out.once('drain', () => upstream.resume());
    return false;
  };
  upstream.on('data', (chunk: Buffer) => {
    tap.push(chunk);
    if (clientGone || out.destroyed) return;
    const admitted = gate ? gate.admit(chunk, tap, say) : true;
    if (admitted === true) send(chunk);
    else if (admitted === false) stop();
    else admitWhenSettled(chunk, admitted);
  });
  // the gate's hooks: kept apart so a stream without a gate runs the lines above alone
  const say = (text: string): void => {
    if (!clientGone && !out.destroyed) out.write(text);
  };
  const stop = (): void => {
    void finish(false, true).finally(() => {
      if (!clientGone) out.end();
    });
    upstream.destroy();
  };
  let admitting: Promise<unknown> = Promise.resolve();
  const admitWhenSettled = (chunk: Buffer, admitted: Promise<boolean>): void => {
    upstream.pause();
    admitting = admitted.then(
      (ok) => {
        if (finished) return;
        if (!ok) return stop();
        if (clientGone || out.destroyed || send(chunk)) upstream.resume();
      },
      () => stop(),
    );
  };
  upstream.on('end', () => {
    // a chunk the gate still holds is sent (or refused) before the end; a client gone waits for nothing
    void (clientGone ? Promise.resolve() : admitting).then(() => finish(true)).finally(() => {
      if (!clientGone) out.end();
    });
  });
  upstream.on('error', (err) => {
    if (!clientGone) out.destroy(err);
    void finish(false);
  });
  return out;
}

/** What an estimate starts from: the call's input bound and output limit, and the output seen. */
function estimateInput(call: MeteredRequest, seen: Pick<EstimateInput, 'outputText' | 'droppedTextBytes' | 'reportedInput'>): EstimateInput {
  return { shape: call.shape, model: call.model, inputBound: call.inputTokensBound, outputLimit: call.outputLimit, ...seen };
}
