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

const LF = 0x0a;
const CR = 0x0d;

/** Bytes kept up to a limit, then only the last `tailMax` of the rest. */
class BoundedBytes {
  private head: Buffer[] = [];
  private headLength = 0;
  private tail = Buffer.alloc(0);
  truncated = false;

  constructor(private readonly limits: SseLimits) {}

  get empty(): boolean {
    return this.headLength === 0 && !this.truncated;
  }

  add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (!this.truncated) {
      const room = this.limits.headBytes - this.headLength;
      // copies, so nothing here pins or sees later changes to the caller's buffer
      if (bytes.length <= room) {
        this.head.push(Buffer.from(bytes));
        this.headLength += bytes.length;
        return;
      }
      this.head.push(Buffer.from(bytes.subarray(0, room)));
      this.headLength += room;
      bytes = bytes.subarray(room);
      this.truncated = true;
    }
    const joined = this.tail.length === 0 ? bytes : Buffer.concat([this.tail, bytes]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - this.limits.tailBytes)));
  }

  /** The kept bytes as text (a character cut at either edge decodes as U+FFFD), and resets. */
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

/** Feeds bytes in; `onEvent` runs for each event completed by a blank line (per the SSE spec). */
export function createSseReader(onEvent: (event: SseEvent) => void, limits: SseLimits = DEFAULT_SSE_LIMITS): { push(chunk: Buffer): void } {
  const line = new BoundedBytes(limits);
  const data = new BoundedBytes(limits);
  let hasData = false;
  let eventName = '';
  let afterCr = false; // the last chunk ended a line with '\r': a leading '\n' belongs to it

  function endLine(): void {
    const { text, truncated } = line.take();
    if (text === '') {
      const { text: joined, truncated: cut } = data.take();
      if (hasData) onEvent({ event: eventName || 'message', data: joined, truncated: cut });
      hasData = false;
      eventName = '';
      return;
    }
    if (text.startsWith(':')) return; // a comment (keep-alive)
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      if (hasData) data.add(Buffer.from('\n'));
      data.add(Buffer.from(value));
      if (truncated) data.truncated = true;
      hasData = true;
    } else if (field === 'event' && !truncated) {
      eventName = value;
    }
  }

  return {
    push(chunk: Buffer): void {
      let start = 0;
      if (afterCr && chunk.length > 0) {
        if (chunk[0] === LF) start = 1;
        afterCr = false;
      }
      // next LF and CR at or after `start`, searched again only once passed (one scan per chunk)
      let lf = -2;
      let cr = -2;
      while (start < chunk.length) {
        if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
        if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
        const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
        if (end === -1) {
          line.add(chunk.subarray(start));
          return;
        }
        line.add(chunk.subarray(start, end));
        endLine();
        start = end + 1;
        if (chunk[end] === CR) {
          if (start === chunk.length) afterCr = true;
          else if (chunk[start] === LF) start++;
        }
      }
    },
  };
}
