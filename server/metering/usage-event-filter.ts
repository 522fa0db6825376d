// The usage event a client did not ask for, left out of what it receives. To meter an OpenAI chat
// stream the proxy asks the upstream for `stream_options.include_usage`, which ends the stream with
// a chunk of no choices (`"choices":[]`, then `"usage":{…}`); a client that did not ask would meet
// a chunk its code may not expect (`chunk.choices[0].delta`). The filter passes whole events only
// (a partial one waits for its end, which a client could not read earlier anyway) and drops that
// one. Events end at a blank line: "\n\n", or "\r\n\r\n" in a stream whose lines end in CRLF; a
// stream whose lines end in CR alone (SSE allows it, no upstream here sends it) is passed as it comes.
import { CR, LF } from './sse-events.js';

const NO_CHOICES = Buffer.from('"choices":[]');
// JSON written with spaces (Python's default) has one after each colon
const CHOICES_SPACED = Buffer.from('"choices": ');
const USAGE = Buffer.from('"usage":');
const LF_BLANK_LINE = Buffer.from('\n\n');
const CRLF_BLANK_LINE = Buffer.from('\r\n\r\n');
const SPACE = 0x20;

export class UsageEventFilter {
  private held: Buffer | null = null;
  /** what ends an event in this stream: LF's until a CR is seen */
  private blank = LF_BLANK_LINE;
  private lineEndsKnown = false;
  private passThrough = false;

  /**
   * What of `chunk` (after the bytes held before it) goes to the client now. `usageHere`: the
   * stream's usage was read from an event this chunk completed (the tap saw it), so that event is
   * looked for here; other chunks are only cut at their last blank line.
   */
  pass(chunk: Buffer, usageHere = true): Buffer {
    if (this.passThrough) return chunk;
    const bytes = this.takeHeld(chunk);
    // a byte search is a memchr: cheap on every chunk until the stream's line ends are known
    if (!this.lineEndsKnown) {
      const cr = bytes.indexOf(CR);
      if (cr !== -1 && cr + 1 < bytes.length) {
        this.lineEndsKnown = true;
        if (bytes[cr + 1] === LF) this.blank = CRLF_BLANK_LINE;
        else this.passThrough = true;
      }
      if (this.passThrough) return bytes;
    }
    const whole = endOfLastEvent(bytes, this.blank);
    if (whole < bytes.length) this.held = bytes.subarray(whole);
    const complete = whole < bytes.length ? bytes.subarray(0, whole) : bytes;
    return usageHere ? withoutUsageEvent(complete, this.blank) : complete;
  }

  /** The bytes still held when the upstream ended (an event it did not end with a blank line). */
  flush(): Buffer | null {
    if (this.held === null) return null;
    const rest = this.passThrough ? this.held : withoutUsageEvent(this.held, this.blank);
    this.held = null;
    return rest.length > 0 ? rest : null;
  }

  private takeHeld(chunk: Buffer): Buffer {
    if (this.held === null) return chunk;
    const joined = Buffer.concat([this.held, chunk]);
    this.held = null;
    return joined;
  }
}

/** Where the last whole event in `bytes` ends (0: none ends here). */
function endOfLastEvent(bytes: Buffer, blank: Buffer): number {
  const n = bytes.length;
  if (blank === LF_BLANK_LINE && n >= 2 && bytes[n - 1] === LF && bytes[n - 2] === LF) return n;
  const at = bytes.lastIndexOf(blank);
  return at === -1 ? 0 : at + blank.length;
}

/** Whole events, those with no choices and a usage object left out (others with no choices, as Azure's first, kept). */
function withoutUsageEvent(bytes: Buffer, blank: Buffer): Buffer {
  for (let at = noChoicesAt(bytes, 0); at !== -1; at = noChoicesAt(bytes, at + 1)) {
    const before = bytes.lastIndexOf(blank, at);
    const start = before === -1 ? 0 : before + blank.length;
    const after = bytes.indexOf(blank, at);
    const end = after === -1 ? bytes.length : after + blank.length;
    if (hasUsageObject(bytes.subarray(start, end))) return Buffer.concat([bytes.subarray(0, start), withoutUsageEvent(bytes.subarray(end), blank)]);
  }
  return bytes;
}

/** Where a `"choices"` key with an empty array is, from `from` on (-1: none): two byte searches that fail on a content chunk. */
function noChoicesAt(bytes: Buffer, from: number): number {
  const compact = bytes.indexOf(NO_CHOICES, from);
  for (let at = bytes.indexOf(CHOICES_SPACED, from); at !== -1 && (compact === -1 || at < compact); at = bytes.indexOf(CHOICES_SPACED, at + 1)) {
    if (valueStarts(bytes, at + CHOICES_SPACED.length, '[]')) return at;
  }
  return compact;
}

function hasUsageObject(event: Buffer): boolean {
  for (let at = event.indexOf(USAGE); at !== -1; at = event.indexOf(USAGE, at + USAGE.length)) {
    if (valueStarts(event, at + USAGE.length, '{')) return true;
  }
  return false;
}

/** The JSON value at `from` (spaces skipped) starts with `text`, itself spaces apart ("[]" matches "[ ]"). */
function valueStarts(bytes: Buffer, from: number, text: string): boolean {
  let i = from;
  for (let k = 0; k < text.length; k++) {
    while (bytes[i] === SPACE) i++;
    if (bytes[i] !== text.charCodeAt(k)) return false;
    i++;
  }
  return true;
}
