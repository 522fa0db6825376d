// A byte-level Server-Sent Events reader for taps: it is fed the stream's chunks as they pass and
// calls back once per complete event. Chunks may split anything (a line, a `\r\n`, a UTF-8
// character): bytes are held until their line ends, and a line is decoded whole. Memory is
// bounded: an event's data beyond `headBytes` keeps only its last `tailBytes` and is marked
// truncated (a Responses `response.completed` repeats the whole answer; its usage is at the end).

export interface SseEvent {
  /** the `event:` field, or 'message' when none was sent */
  event: string;
  /** the `data:` lines joined with '\n'; when truncated, the head followed by the tail */
  data: string;
  truncated: boolean;
}

export interface SseLimits {
  headBytes: number;
  tailBytes: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = { headBytes: 64 * 1024, tailBytes: 16 * 1024 };

/** the line-end bytes (sse-event-bytes.ts searches for them too) */
export const LF = 0x0a;
export const CR = 0x0d;

/** The bytes of a line that spans chunks: up to the head limit, then only the last `tailBytes`. */
class PendingLine {
  private head: Buffer[] = [];
  private headLength = 0;
  private tail = Buffer.alloc(0);
  private truncated = false;

  constructor(private readonly limits: SseLimits) {}

  get empty(): boolean {
    return this.headLength === 0;
  }

  add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (!this.truncated) {
      const room = this.limits.headBytes - this.headLength;
      // copies, so nothing here pins or sees later changes to the caller's buffer
      this.head.push(Buffer.from(bytes.subarray(0, room)));
      this.headLength += Math.min(room, bytes.length);
      if (bytes.length <= room) return;
      bytes = bytes.subarray(room);
      this.truncated = true;
    }
    const joined = this.tail.length === 0 ? bytes : Buffer.concat([this.tail, bytes]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - this.limits.tailBytes)));
  }

  /** The line (a character cut at either edge decodes as U+FFFD), and resets. */
  take(): { text: string; truncated: boolean } {
    const text = Buffer.concat(this.head).toString('utf8') + (this.truncated ? this.tail.toString('utf8') : '');
    const truncated = this.truncated;
    this.head = [];
    this.headLength = 0;
    this.tail = Buffer.alloc(0);
    this.truncated = false;
    return { text, truncated };
  }
}

/** An event's data: up to the head limit, then only its last characters (limits in UTF-16 units). */
class EventData {
  private parts: string[] = [];
  private length = 0;
  private tail = '';
  truncated = false;
  lines = 0;

  constructor(private readonly limits: SseLimits) {}

  add(line: string, truncated: boolean): void {
    const text = this.lines++ === 0 ? line : `\n${line}`;
    if (!this.truncated) {
      const room = this.limits.headBytes - this.length;
      this.parts.push(text.length <= room ? text : text.slice(0, room));
      this.length += Math.min(room, text.length);
      if (text.length <= room) {
        this.truncated = truncated;
        return;
      }
      this.truncated = true;
      this.tail = text.slice(room);
    } else this.tail += text;
    this.tail = this.tail.slice(-this.limits.tailBytes);
  }

  take(): { data: string; truncated: boolean } {
    const result = { data: this.parts.join('') + this.tail, truncated: this.truncated };
    this.parts = [];
    this.length = 0;
    this.tail = '';
    this.truncated = false;
    this.lines = 0;
    return result;
  }
}

/** Feeds bytes in; `onEvent` runs for each event completed by a blank line (per the SSE spec). */
export function createSseReader(onEvent: (event: SseEvent) => void, limits: SseLimits = DEFAULT_SSE_LIMITS): { push(chunk: Buffer): void } {
  return new SseReader(onEvent, limits);
}

// A class, not closures: one is made per stream, and methods cost nothing per instance.
class SseReader {
  private readonly pending: PendingLine;
  private readonly data: EventData;
  private eventName = '';
  private afterCr = false; // the last chunk ended a line with '\r': a leading '\n' belongs to it

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    private readonly limits: SseLimits,
  ) {
    this.pending = new PendingLine(limits);
    this.data = new EventData(limits);
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.afterCr && chunk.length > 0) {
      if (chunk[0] === LF) start = 1;
      this.afterCr = false;
    }
    // next LF and CR at or after `start`, searched again only once passed (one scan per chunk)
    let lf = -2;
    let cr = -2;
    while (start < chunk.length) {
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        this.pending.add(chunk.subarray(start));
        return;
      }
      this.endLine(chunk, start, end);
      start = end + 1;
      if (chunk[end] === CR) {
        if (start === chunk.length) this.afterCr = true;
        else if (chunk[start] === LF) start++;
      }
    }
  }

  /** A line that ended inside `chunk` at `end`; most lines are decoded straight from the chunk. */
  private endLine(chunk: Buffer, start: number, end: number): void {
    if (this.pending.empty && end - start <= this.limits.headBytes) return this.onLine(chunk.toString('utf8', start, end), false);
    this.pending.add(chunk.subarray(start, end));
    const { text, truncated } = this.pending.take();
    this.onLine(text, truncated);
  }

  private onLine(text: string, truncated: boolean): void {
    if (text === '') {
      const hadData = this.data.lines > 0;
      const taken = this.data.take();
      if (hadData) this.onEvent({ event: this.eventName || 'message', data: taken.data, truncated: taken.truncated });
      this.eventName = '';
      return;
    }
    if (text.charCodeAt(0) === 0x3a) return; // ':' starts a comment (keep-alive)
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') this.data.add(value, truncated);
    else if (field === 'event' && !truncated) this.eventName = value;
  }
}
