// Reading an upstream answer's body whole, with events rather than an async iterator: a paid
// call's answer is a chunk or two, and the iterator's machinery costs more than reading them.
import type { Readable } from 'node:stream';

export interface ReadBody {
  /** what arrived, up to the limit */
  chunks: Buffer[];
  /** why the body stopped before its end (an error, or closed with neither an end nor an error); null: it ended */
  error: Error | null;
}

/** Reads `body` to its end or its failure, keeping its first `limit` bytes; never rejects. */
export function readBody(body: Readable, limit = Infinity): Promise<ReadBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    body.once('end', () => resolve({ chunks, error: null }));
    body.once('error', (error: Error) => resolve({ chunks, error }));
    // closed with neither an end nor an error: cut short, as piping would have reported it
    body.once('close', () => {
      if (!body.readableEnded && !body.errored) resolve({ chunks, error: Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }) });
    });
  });
}

/** The chunks as one buffer (the one chunk itself when there is one). */
export function joined(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
