// A small upstream answer of known length is read whole and sent as one buffer: piping a stream
// into the response costs a paid call more (listeners on both streams, a write per chunk) than
// the answer is worth. The client sees the same status, headers and bytes; an answer that breaks
// off is sent as it would have been streamed (what came, then the connection cut).
import { Readable } from 'node:stream';
import type { HeaderMap } from '../proxy/headers.js';
import { joined, readBody, type ReadBody } from '../proxy/read-body.js';

/** Larger answers, and any without a Content-Length, stream as they arrive. */
export const SMALL_ANSWER_BYTES = 64 * 1024;

const DIGITS = /^\d{1,9}$/;

// a media type Fastify reads as one: without it, Fastify would label a buffer application/octet-stream
const MEDIA_TYPE = /^\s*[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(;|$)/;

/** True when the answer declares a small length and a media type, and is not an event stream. */
export function isSmallAnswer(headers: HeaderMap): boolean {
  const length = headers['content-length'];
  if (typeof length !== 'string' || !DIGITS.test(length) || Number(length) > SMALL_ANSWER_BYTES) return false;
  const type = headers['content-type'];
  return typeof type === 'string' && MEDIA_TYPE.test(type) && !type.toLowerCase().includes('event-stream');
}

/**
 * The body whole, or — when it fails after some bytes came — a stream of those bytes that then
 * fails, as the streamed answer would have; a failure before any byte rejects.
 */
export function readSmallAnswer(body: Readable): Promise<Buffer | Readable> {
  return readBody(body).then(answerOrReplay);
}

// module functions, not named closures: tsx wraps each named closure in __name, per request
function answerOrReplay({ chunks, error }: ReadBody): Buffer | Readable {
  if (error === null) return joined(chunks);
  if (chunks.length === 0) throw error;
  return replayThenFail(chunks, error);
}

function replayThenFail(chunks: Buffer[], err: Error): Readable {
  let next = 0;
  return new Readable({
    read() {
      if (next < chunks.length) this.push(chunks[next++]);
      else this.destroy(err);
    },
  });
}
