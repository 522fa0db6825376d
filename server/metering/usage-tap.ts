// Watches a streamed answer's bytes as they pass to the client (it never delays, alters or
// re-frames them) and keeps what metering needs: the usage the upstream reports at the end, and
// a bounded sample of the generated text for an estimate when the usage never comes.
// Only events that can carry usage are decoded and parsed as they pass (a byte search picks them);
// the others are held as bytes, bounded, and read for their text only when the estimate needs it
// or the bound is reached — the upstream is always asked for usage, so the estimate is the rare
// path. A stream with CR line ends is read line by line instead, its events held decoded.
//   OpenAI chat: the last chunk has `usage` (stream_options.include_usage, `choices: []`).
//   Responses: `response.completed` (or .incomplete / .failed) carries `response.usage`.
//   Anthropic: `message_start` has the input counts, `message_delta` the cumulative output
//   (newer API versions repeat the input and cache counts there).
import type { InputUsage, TokenUsage } from './price.js';
import { asObject, type ApiShape } from './shape.js';
import { SseEventSplitter } from './sse-event-bytes.js';
import { createSseReader, DEFAULT_SSE_LIMITS, type SseEvent, type SseLimits } from './sse-events.js';
import { isErrorEvent, isErrorEventBytes } from './stream-error.js';
import { mayCarryUsage, mayCarryUsageBytes } from './usage-key.js';
import { usageFromJson } from './usage-json.js';

export interface UsageTap {
  /** Sees the next chunk of the upstream's body. Never throws. */
  push(chunk: Buffer): void;
  /** The final usage the upstream reported; null until it did (a cut stream stays null). */
  usage(): TokenUsage | null;
  /** Input counts the stream reported before its end (Anthropic message_start), for an estimate. */
  reportedInput(): InputUsage | null;
  /** The generated text seen so far (text, refusals, tool-call arguments, reasoning), up to the cap. */
  text(): string;
  /** UTF-8 bytes of generated text seen beyond the cap. */
  droppedTextBytes(): number;
  /** The upstream reported an error inside the stream (an `error` event, a failed response): an upstream failure, as a 5xx is. */
  failed(): boolean;
}

export interface UsageTapOptions {
  /** characters of generated text kept (a sample for estimates; the rest is only counted) */
  maxTextChars?: number;
  /** characters (or bytes) of events held unparsed until their text is needed (HELD_EVENT_CHARS) */
  heldEventChars?: number;
  sse?: SseLimits;
}

export const DEFAULT_MAX_TEXT_CHARS = 16 * 1024;
/** characters of not-yet-parsed event data held before their text is read out (per stream) */
export const HELD_EVENT_CHARS = 16 * 1024;

/** What one API's events contribute: each callback may report usage, input, or text. */
interface Sink {
  final(u: TokenUsage): void;
  input(u: InputUsage): void;
  text(t: unknown): void;
}

type Handler = (e: SseEvent, sink: Sink) => void;

function parse(data: string): Record<string, unknown> | undefined {
  try {
    return asObject(JSON.parse(data));
  } catch {
    return undefined;
  }
}

/** The last `"usage": {...}` object in a truncated event's text (usage comes late in these objects). */
export function usageObjectInTail(text: string): Record<string, unknown> | undefined {
  const key = /"usage"\s*:\s*\{/g;
  const starts: number[] = [];
  for (let m = key.exec(text); m !== null; m = key.exec(text)) starts.push(m.index + m[0].length - 1);
  for (let i = starts.length - 1; i >= 0; i--) {
    const end = matchingBrace(text, starts[i] as number);
    const parsed = end === -1 ? undefined : parse(text.slice(starts[i], end + 1));
    if (parsed) return parsed;
  }
  return undefined;
}

/** Index of the `}` closing the `{` at `open`, skipping strings; -1 when the text ends first. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i;
  }
  return -1;
}

const chat: Handler = (e, sink) => {
  if (e.truncated) {
    const u = usageFromJson('openai-chat', { usage: usageObjectInTail(e.data) });
    if (u) sink.final(u);
    return;
  }
  if (e.data === '[DONE]') return;
  const chunk = parse(e.data);
  if (!chunk) return;
  if (chunk.usage !== undefined && chunk.usage !== null) {
    const u = usageFromJson('openai-chat', chunk);
    if (u) sink.final(u);
  }
  for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
    const delta = asObject(asObject(choice)?.delta);
    if (!delta) continue;
    sink.text(delta.content);
    sink.text(delta.refusal);
    sink.text(asObject(delta.audio)?.transcript);
    const legacy = asObject(delta.function_call);
    sink.text(legacy?.name);
    sink.text(legacy?.arguments);
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      const fn = asObject(asObject(call)?.function);
      sink.text(fn?.name);
      sink.text(fn?.arguments);
    }
  }
};

const RESPONSES_TEXT = new Set([
  'response.output_text.delta', 'response.refusal.delta', 'response.function_call_arguments.delta', 'response.custom_tool_call_input.delta',
  'response.reasoning_text.delta', 'response.reasoning_summary_text.delta', 'response.audio.transcript.delta',
]);
const RESPONSES_USAGE = new Set(['response.completed', 'response.incomplete', 'response.failed']);

const responses: Handler = (e, sink) => {
  // events are named; only an unnamed one must be parsed to learn its type
  if (e.event !== 'message' && !RESPONSES_TEXT.has(e.event) && !RESPONSES_USAGE.has(e.event)) return;
  if (e.truncated) {
    const u = usageFromJson('openai-responses', { usage: usageObjectInTail(e.data) });
    if (u && (RESPONSES_USAGE.has(e.event) || e.event === 'message')) sink.final(u);
    return;
  }
  const data = parse(e.data);
  const type = typeof data?.type === 'string' ? data.type : e.event;
  if (RESPONSES_TEXT.has(type)) sink.text(data?.delta);
  if (RESPONSES_USAGE.has(type)) {
    const u = usageFromJson('openai-responses', asObject(data?.response));
    if (u) sink.final(u);
  }
};

/** Anthropic's counts arrive in two events; this keeps the first and merges the second into it. */
function anthropic(): Handler {
  let start: InputUsage | undefined;
  return (e, sink) => {
    const data = e.truncated ? undefined : parse(e.data);
    const type = typeof data?.type === 'string' ? data.type : e.event;
    if (type === 'message_start') {
      const u = usageFromJson('anthropic-messages', asObject(data?.message));
      if (u) {
        start = { input: u.input, cachedInput: u.cachedInput, cacheWrite: u.cacheWrite };
        sink.input(start);
      }
    } else if (type === 'message_delta') {
      const u = asObject(data?.usage);
      if (!u) return;
      // fields a delta leaves out (or sends as null) keep their message_start value
      const merged = usageFromJson('anthropic-messages', {
        usage: {
          input_tokens: u.input_tokens ?? start?.input,
          cache_read_input_tokens: u.cache_read_input_tokens ?? start?.cachedInput,
          cache_creation_input_tokens: u.cache_creation_input_tokens ?? start?.cacheWrite,
          output_tokens: u.output_tokens,
        },
      });
      if (merged) sink.final(merged);
    } else if (type === 'content_block_delta') {
      const delta = asObject(data?.delta);
      sink.text(delta?.text);
      sink.text(delta?.thinking);
      sink.text(delta?.partial_json);
    } else if (type === 'content_block_start') {
      const block = asObject(data?.content_block);
      sink.text(block?.text);
      sink.text(block?.thinking);
    }
  };
}

/** Embeddings do not stream: a tap for them never finds usage. */
const none: Handler = () => {};

/** Events that carry no text and no usage by their name; every other one may carry text. */
const ANTHROPIC_SILENT = new Set(['ping', 'content_block_stop', 'message_stop']);
type TextTest = (e: SseEvent) => boolean;
const TEXT_TESTS: Record<ApiShape, TextTest> = {
  'openai-chat': (e) => e.data !== '[DONE]',
  // the handler reads only these (an unnamed event must be parsed to learn its type)
  'openai-responses': (e) => e.event === 'message' || RESPONSES_TEXT.has(e.event),
  'anthropic-messages': (e) => !ANTHROPIC_SILENT.has(e.event),
  'openai-embeddings': () => false,
};

/** A tap for one streamed answer of the API `shape`. */
export function createUsageTap(shape: ApiShape, options: UsageTapOptions = {}): UsageTap {
  return new StreamUsageTap(shape, options);
}

/** Where events parsed as they pass leave what they report (their text is read later, in order). */
class ReportedUsage implements Sink {
  usage: TokenUsage | null = null;
  inputUsage: InputUsage | null = null;

  final(u: TokenUsage): void {
    this.usage = u;
  }

  input(u: InputUsage): void {
    this.inputUsage = u;
  }

  text(): void {}
}

/** The generated text kept as a sample for an estimate, and the bytes of what did not fit. */
class TextSample implements Sink {
  private readonly kept: string[] = [];
  private keptChars = 0;
  dropped = 0;

  constructor(private readonly maxChars: number) {}

  final(): void {}
  input(): void {}

  text(t: unknown): void {
    if (typeof t !== 'string' || t === '') return;
    const room = this.maxChars - this.keptChars;
    if (t.length <= room) {
      this.kept.push(t);
      this.keptChars += t.length;
      return;
    }
    // never cut between the two halves of a surrogate pair
    let cut = Math.max(0, room);
    if (cut > 0 && cut < t.length && isHighSurrogate(t.charCodeAt(cut - 1))) cut--;
    if (cut > 0) this.kept.push(t.slice(0, cut));
    this.keptChars += cut;
    this.dropped += Buffer.byteLength(t.slice(cut));
    this.keptChars = Math.max(this.keptChars, this.maxChars); // later text is dropped, not squeezed in
  }

  joined(): string {
    return this.kept.join('');
  }
}

// A class, not closures: one is made per stream, and methods cost nothing per instance.
class StreamUsageTap implements UsageTap {
  private readonly reported = new ReportedUsage();
  private readonly sample: TextSample;
  private readonly handler: Handler;
  private readonly mayCarryText: TextTest;
  private readonly limits: SseLimits;
  /** decodes the events read as they pass: those the splitter picks, or every one once it gave up */
  private readonly reader: { push(chunk: Buffer): void };
  /** null once the stream showed a CR or an event too long to hold (then every line is decoded) */
  private splitter: SseEventSplitter | null;
  /** decodes held events' bytes for their text, when it is needed */
  private textReader: { push(chunk: Buffer): void } | null = null;
  private readonly heldLimit: number;
  /** in stream order: events decoded as they passed, and the bytes of whole events not decoded */
  private held: (SseEvent | Buffer)[] = [];
  /** what the held events keep in memory: their characters, or the read buffers their bytes are in */
  private heldSize = 0;
  private lastHeldBuffer: ArrayBufferLike | null = null;
  private sawError = false;

  constructor(shape: ApiShape, options: UsageTapOptions) {
    this.sample = new TextSample(options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS);
    this.heldLimit = options.heldEventChars ?? HELD_EVENT_CHARS;
    this.handler = shape === 'openai-chat' ? chat : shape === 'openai-responses' ? responses : shape === 'anthropic-messages' ? anthropic() : none;
    this.mayCarryText = TEXT_TESTS[shape];
    this.limits = options.sse ?? DEFAULT_SSE_LIMITS;
    this.reader = createSseReader((e) => this.onEvent(e), this.limits);
    this.splitter = new SseEventSplitter((bytes) => this.onEventBytes(bytes), this.limits.headBytes);
  }

  push(chunk: Buffer): void {
    try {
      if (this.splitter === null) return this.reader.push(chunk);
      if (this.splitter.push(chunk)) return;
      const rest = this.splitter.rest();
      this.splitter = null;
      for (const bytes of rest) this.reader.push(bytes);
    } catch {
      // a tap must never break the stream it watches; what it missed is estimated
    }
  }

  usage(): TokenUsage | null {
    return this.reported.usage;
  }

  reportedInput(): InputUsage | null {
    return this.reported.inputUsage;
  }

  text(): string {
    this.readHeldText();
    return this.sample.joined();
  }

  droppedTextBytes(): number {
    this.readHeldText();
    return this.sample.dropped;
  }

  failed(): boolean {
    return this.sawError;
  }

  /** A whole event from the splitter: decoded now if it may carry usage (or is too long to hold whole), else held as bytes. */
  private onEventBytes(bytes: Buffer): void {
    if (bytes.length > this.limits.headBytes || mayCarryUsageBytes(bytes)) return this.reader.push(bytes);
    if (!this.sawError && isErrorEventBytes(bytes)) this.sawError = true;
    // a view holds its whole read buffer: a buffer counts toward the bound once, at its size
    const pins = bytes.buffer === this.lastHeldBuffer ? bytes.length : Math.max(bytes.length, bytes.buffer.byteLength);
    this.lastHeldBuffer = bytes.buffer;
    this.hold(bytes, pins);
  }

  private onEvent(e: SseEvent): void {
    if (!this.sawError && isErrorEvent(e)) this.sawError = true;
    // a truncated event keeps only its head and tail: its usage is read now, it gives no text
    if (e.truncated || mayCarryUsage(e.data)) this.handler(e, this.reported);
    if (e.truncated || !this.mayCarryText(e)) return;
    this.hold(e, e.data.length);
  }

  private hold(event: SseEvent | Buffer, size: number): void {
    this.held.push(event);
    this.heldSize += size;
    if (this.heldSize > this.heldLimit) this.readHeldText();
  }

  private readHeldText(): void {
    const events = this.held;
    this.held = [];
    this.heldSize = 0;
    this.lastHeldBuffer = null;
    for (const e of events) {
      if (Buffer.isBuffer(e)) this.readText(e);
      else this.textOf(e);
    }
  }

  private readText(bytes: Buffer): void {
    this.textReader ??= createSseReader((e) => {
      if (!e.truncated && this.mayCarryText(e)) this.textOf(e);
    }, this.limits);
    this.textReader.push(bytes);
  }

  private textOf(e: SseEvent): void {
    try {
      this.handler(e, this.sample);
    } catch {
      // as for any event: what cannot be read is estimated without it
    }
  }
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
