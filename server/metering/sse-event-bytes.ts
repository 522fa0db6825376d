// Cuts a Server-Sent Events stream into the bytes of whole events without decoding them, so a
// tap can leave most events as bytes (sse-events.ts decodes the few it must read). Only streams
// whose lines end in LF alone (every upstream here sends those): there an event ends exactly at
// "\n\n", and the SSE reader's state is empty at every such point, so whole events may be read
// later, or skipped, without changing what it reads from the others. A CR anywhere, or an event
// longer than the reader's head limit, hands the stream to the reader (`push` returns false).
import { CR, LF } from './sse-events.js';

export class SseEventSplitter {
  /** the bytes of the event in progress (they follow the last "\n\n") */
  private partial: Buffer[] = [];
  private partialBytes = 0;

  constructor(
    private readonly onEvent: (bytes: Buffer) => void,
    private readonly maxEventBytes: number,
  ) {}

  /**
   * Calls onEvent for each event `chunk` completes, in order. False: from this chunk on the stream
   * must be read line by line; `rest()` then holds every byte not yet passed to onEvent, this chunk's too.
   */
  push(chunk: Buffer): boolean {
    // searched for single bytes only: a byte search is a memchr, a search for a string of bytes costs ten times more
    if (chunk.indexOf(CR) !== -1) {
      this.keep(chunk, 0);
      return false;
    }
    let start = 0;
    // the last chunk ended a line and this one starts with the blank line that ends its event
    if (this.partialBytes > 0 && chunk[0] === LF && this.partial[this.partial.length - 1]!.at(-1) === LF) {
      this.complete(chunk, 1);
      start = 1;
    }
    for (let end = blankLineAt(chunk, start); end !== -1; end = blankLineAt(chunk, start)) {
      if (this.partialBytes > 0) this.complete(chunk.subarray(start), end + 2 - start);
      else this.onEvent(start === 0 && end + 2 === chunk.length ? chunk : chunk.subarray(start, end + 2));
      start = end + 2;
    }
    if (start === chunk.length) return true;
    this.keep(chunk, start);
    return this.partialBytes <= this.maxEventBytes;
  }

  /** The bytes taken and not passed on (after push returned false, they include its chunk). */
  rest(): Buffer[] {
    const rest = this.partial;
    this.partial = [];
    this.partialBytes = 0;
    return rest;
  }

  private keep(chunk: Buffer, from: number): void {
    const bytes = from === 0 ? chunk : chunk.subarray(from);
    this.partial.push(bytes);
    this.partialBytes += bytes.length;
  }

  /** The event in progress ends `length` bytes into `bytes`. */
  private complete(bytes: Buffer, length: number): void {
    this.partial.push(bytes.subarray(0, length));
    const event = Buffer.concat(this.partial, this.partialBytes + length);
    this.partial = [];
    this.partialBytes = 0;
    this.onEvent(event);
  }
}

/** Where the next "\n\n" at or after `from` starts, or -1. */
function blankLineAt(chunk: Buffer, from: number): number {
  if (from >= chunk.length) return -1;
  let at = chunk.indexOf(LF, from);
  while (at !== -1 && chunk[at + 1] !== LF) at = chunk.indexOf(LF, at + 1);
  return at;
}
