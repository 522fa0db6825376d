// Reading a metered answer for its usage. A JSON answer is read whole (it is small) so that its
// charge is settled before the headers go out; a stream is relayed to the client chunk by chunk as
// it arrives while a tap reads the usage, and keeps being read to its end when the client has left.
import type { Readable, Writable } from 'node:stream';
import { answerText, createUsageTap, estimateUsage, usageFromJson, UsageEventFilter, type EstimateInput, type TokenUsage, type UsageTap } from '../metering/index.js';
import { likelyInputOf, type MeteredRequest } from '../proxy/metered-request.js';
import { joined, readBody } from '../proxy/read-body.js';

/** The most of a JSON answer read to find its usage; answers with usage are far smaller. */
const JSON_ANSWER_LIMIT = 32 * 1024 * 1024;

export async function readJsonAnswer(body: Readable, call: MeteredRequest): Promise<{ bytes: Buffer; usage: TokenUsage; reported: boolean }> {
  const read = await readBody(body, JSON_ANSWER_LIMIT);
  if (read.error) throw read.error;
  const bytes = joined(read.chunks);
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    parsed = null;
  }
  const usage = usageFromJson(call.shape, parsed);
  if (usage) return { bytes, usage, reported: true };
  // the text it generated, not its JSON (ids, keys); an answer not of the API's shape counts whole
  const outputText = answerText(call.shape, parsed) ?? bytes.toString('utf8');
  return { bytes, usage: await estimateUsage(await estimateInput(call, { outputText })), reported: false };
}

export interface StreamOutcome {
  /** the upstream ended its answer (usage read or estimated); false: it failed mid-way (broke off, or reported an error in the stream) */
  ended: boolean;
  /** it failed by an error event of its own (not a broken connection) */
  reportedError?: boolean;
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

/** Where a stream relay writes: an HTTP response (or any Writable). */
export type RelayTarget = Pick<Writable, 'write' | 'end' | 'destroy' | 'on' | 'once' | 'writableFinished' | 'destroyed'>;

/**
 * A metered stream's answer, written by the tap itself (no stream between upstream and client):
 * `relayTo` writes each chunk to `dest` as it arrives, back-pressure kept, and ends `dest` only
 * after the promise `done` returns has settled (the caller decides what it waits for: paid-call.ts).
 */
export interface StreamRelay {
  relayTo(dest: RelayTarget): void;
}

export const isStreamRelay = (body: unknown): body is StreamRelay => body instanceof MeteredRelay;

/**
 * Meters an SSE answer as it passes: `done` is called once, when the upstream's answer ended or
 * failed, with what it used. Relayed rather than piped through a second Readable: a chunk costs
 * one write, not a push, an event and a write.
 */
export function meterStream(upstream: Readable, call: MeteredRequest, done: (outcome: StreamOutcome) => Promise<void>, gate?: StreamGate): StreamRelay {
  return gate ? new GatedMeteredRelay(upstream, call, done, gate) : new MeteredRelay(upstream, call, done);
}

// A class, not closures: one is made per stream, and methods cost nothing per instance.
class MeteredRelay implements StreamRelay {
  protected readonly tap: UsageTap;
  /** the usage event the client did not ask for, left out of what it receives */
  protected readonly filter: UsageEventFilter | null;
  protected dest!: RelayTarget;
  protected clientGone = false;
  protected finished = false;

  constructor(
    protected readonly upstream: Readable,
    private readonly call: MeteredRequest,
    private readonly done: (outcome: StreamOutcome) => Promise<void>,
  ) {
    this.tap = createUsageTap(call.shape);
    this.filter = call.usageNotAsked ? new UsageEventFilter() : null;
  }

  relayTo(dest: RelayTarget): void {
    this.dest = dest;
    dest.on('error', () => {});
    dest.on('drain', () => this.drained());
    dest.once('close', () => {
      if (dest.writableFinished) return;
      // the client left: keep reading the upstream's answer to learn what it used
      this.clientGone = true;
      this.upstream.resume();
    });
    this.upstream.on('data', (chunk: Buffer) => this.pass(chunk));
    this.upstream.on('end', () => this.ended());
    this.upstream.on('error', (err) => {
      if (!this.clientGone) dest.destroy(err);
      this.finish(false);
    });
  }

  /** the client took what was written: read on */
  protected drained(): void {
    this.upstream.resume();
  }

  protected ended(): void {
    this.finish(true);
  }

  protected pass(chunk: Buffer): void {
    if (this.filter) return this.passFiltered(chunk, this.filter);
    this.tap.push(chunk);
    if (this.clientGone || this.dest.destroyed) return;
    if (!this.dest.write(chunk)) this.upstream.pause();
  }

  /** The usage event is looked for only in the chunk that brought the usage. */
  private passFiltered(chunk: Buffer, filter: UsageEventFilter): void {
    const before = this.tap.usage();
    this.tap.push(chunk);
    if (this.clientGone || this.dest.destroyed) return;
    const out = filter.pass(chunk, this.tap.usage() !== before);
    if (out.length > 0 && !this.dest.write(out)) this.upstream.pause();
  }

  protected finish(ended: boolean, stopped = false): void {
    if (this.finished) return;
    this.finished = true;
    const usage = this.tap.usage();
    // an error the upstream reported inside the stream fails the call as a 5xx would: not charged
    const reportedError = this.tap.failed();
    if (reportedError) ended = false;
    const also = { ...(stopped ? { stopped } : {}), ...(reportedError ? { reportedError } : {}) };
    if (usage) {
      this.done({ ended, usage, reported: true, ...also }).then(
        () => this.endForClient(),
        () => this.endForClient(),
      );
      return;
    }
    const tap = this.tap;
    const reportedInput = tap.reportedInput();
    estimateInput(this.call, { outputText: tap.text(), droppedTextBytes: tap.droppedTextBytes(), ...(reportedInput ? { reportedInput } : {}) })
      .then(estimateUsage)
      .then((estimated) => this.done({ ended, usage: estimated, reported: false, ...also }))
      .then(
        () => this.endForClient(),
        () => this.endForClient(),
      );
  }

  /** The end goes out once the settle is done (a failed stream's client was cut off already). */
  protected endForClient(): void {
    if (this.clientGone || this.dest.destroyed) return;
    const rest = this.filter?.flush();
    if (rest) this.dest.write(rest);
    this.dest.end();
  }
}

/**
 * A metered stream whose chunks a gate admits one by one (kept apart so that a stream without a
 * gate runs MeteredRelay's lines alone). While the gate holds a chunk, nothing after it is read.
 */
class GatedMeteredRelay extends MeteredRelay {
  private holding = false;
  private admitting: Promise<unknown> = Promise.resolve();

  constructor(upstream: Readable, call: MeteredRequest, done: (outcome: StreamOutcome) => Promise<void>, private readonly gate: StreamGate) {
    super(upstream, call, done);
  }

  protected override drained(): void {
    if (!this.holding) super.drained();
  }

  protected override pass(chunk: Buffer): void {
    const before = this.tap.usage();
    this.tap.push(chunk);
    if (this.clientGone || this.dest.destroyed) return;
    const usageHere = this.tap.usage() !== before;
    const admitted = this.gate.admit(chunk, this.tap, (text) => {
      if (!this.clientGone && !this.dest.destroyed) this.dest.write(text);
    });
    if (admitted === true) this.send(chunk, usageHere);
    else if (admitted === false) this.stop();
    else this.admitWhenSettled(chunk, usageHere, admitted);
  }

  private send(chunk: Buffer, usageHere: boolean): boolean {
    const out = this.filter ? this.filter.pass(chunk, usageHere) : chunk;
    if (out.length === 0 || this.dest.write(out)) return true;
    this.upstream.pause();
    return false;
  }

  private stop(): void {
    this.finish(false, true);
    this.upstream.destroy();
  }

  private admitWhenSettled(chunk: Buffer, usageHere: boolean, admitted: Promise<boolean>): void {
    this.holding = true;
    this.upstream.pause();
    this.admitting = admitted.then(
      (ok) => {
        this.holding = false;
        if (this.finished) return;
        if (!ok) return this.stop();
        if (this.clientGone || this.dest.destroyed || this.send(chunk, usageHere)) this.upstream.resume();
      },
      () => {
        this.holding = false;
        this.stop();
      },
    );
  }

  // a chunk the gate still holds is sent (or refused) before the end; a client gone waits for nothing
  protected override ended(): void {
    void (this.clientGone ? Promise.resolve() : this.admitting).then(() => this.finish(true));
  }
}

/** What an estimate starts from: the call's input bound, likely input and output limit, and the output seen. */
async function estimateInput(call: MeteredRequest, seen: Pick<EstimateInput, 'outputText' | 'droppedTextBytes' | 'reportedInput'>): Promise<EstimateInput> {
  return { shape: call.shape, model: call.model, inputBound: call.inputTokensBound, likelyInput: await likelyInputOf(call), outputLimit: call.outputLimit, ...seen };
}
