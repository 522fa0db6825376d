// Keeps the operator's upstream account ids out of what clients see. OpenAI's own refusals quote
// them ("Rate limit reached for gpt-4o in organization org-…", "Project `proj_…` does not have
// access to model …"), and an upstream 4xx is passed through to the client; a model list names
// the organisation that owns each model. So a 4xx answer's body, and a free endpoint's, when it
// is a small JSON or text body, is read whole and the ids in it are masked; headers
// carrying one are dropped (on every answer). Large or streamed bodies are never buffered.
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { HeaderMap } from './headers.js';

/** OpenAI organization and project ids. */
const ACCOUNT_ID = /\b(org-|proj_)[A-Za-z0-9]{6,}/g;

/** The most of an error body read to scrub it (decompressed); a larger body passes as it came. */
export const SCRUB_MAX_BYTES = 64 * 1024;

export function hasAccountId(text: string): boolean {
  ACCOUNT_ID.lastIndex = 0;
  return ACCOUNT_ID.test(text);
}

export function scrubText(text: string): string {
  return text.replace(ACCOUNT_ID, (_, prefix: string) => `${prefix}redacted`);
}

/** Drops every header whose value carries an account id. */
export function scrubHeaders(headers: HeaderMap): HeaderMap {
  const out: HeaderMap = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name]!;
    if (!hasAccountId(Array.isArray(value) ? value.join(',') : value)) out[name] = value;
  }
  return out;
}

/** Bodies read as text to scrub: JSON and plain text (never an event stream or bytes). */
function scrubbable(contentType: string | string[] | undefined): boolean {
  if (contentType === undefined) return true;
  const type = (Array.isArray(contentType) ? contentType[0] ?? '' : contentType).split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json') || type === 'text/plain' || type === 'text/html' || type === '';
}

function decode(bytes: Buffer, encoding: string): Buffer | null {
  const opts = { maxOutputLength: SCRUB_MAX_BYTES };
  try {
    switch (encoding) {
      case '':
      case 'identity': return bytes;
      case 'gzip':
      case 'x-gzip': return gunzipSync(bytes, opts);
      case 'br': return brotliDecompressSync(bytes, opts);
      case 'deflate':
        try {
          return inflateSync(bytes, opts);
        } catch {
          return inflateRawSync(bytes, opts); // some servers send raw deflate
        }
      default: return null;
    }
  } catch {
    return null;
  }
}

/**
 * The answer to an upstream 4xx (or a free endpoint's) as the client gets it: headers without account
 * ids, and a small JSON or text body read whole, decoded and scrubbed (sent uncompressed, with its
 * new length). A body that is larger, or of another type, streams through as it came.
 */
export async function scrubSmallAnswer(headers: HeaderMap, body: Readable): Promise<{ headers: HeaderMap; body: Readable }> {
  const clean = scrubHeaders(headers);
  if (!scrubbable(headers['content-type'])) return { headers: clean, body };

  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > SCRUB_MAX_BYTES) return { headers: clean, body };

  const chunks: Buffer[] = [];
  let size = 0;
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    const next = await it.next();
    if (next.done) break;
    chunks.push(next.value);
    size += next.value.length;
    if (size > SCRUB_MAX_BYTES) {
      // too large to scrub: what was read, then the rest, as it came
      return { headers: clean, body: Readable.from(rest(chunks, it)) };
    }
  }

  const encoding = String(headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoded = decode(Buffer.concat(chunks), encoding);
  const out: HeaderMap = { ...clean };
  delete out['content-encoding'];
  let bytes: Buffer;
  if (decoded) {
    bytes = Buffer.from(scrubText(decoded.toString('utf8')), 'utf8');
  } else {
    // an encoding we cannot read is a body we cannot check: it is not shown
    bytes = Buffer.from(JSON.stringify({ error: { message: 'The upstream answer could not be shown (it came in an encoding this proxy cannot read to check it).', type: 'invalid_request_error', param: null, code: null } }));
    out['content-type'] = 'application/json';
  }
  out['content-length'] = String(bytes.length);
  return { headers: out, body: Readable.from([bytes]) };
}

async function* rest(read: Buffer[], it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* read;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await it.return?.(); // the client left early: let the upstream body go too
  }
}
