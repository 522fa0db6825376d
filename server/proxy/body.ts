// Turns a buffered request body into what validation and pricing read. The bytes themselves are
// forwarded unchanged; this parse is only looked at, never re-serialised.
import type { Catalog, Endpoint } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { findDuplicateKey } from './duplicate-keys.js';
import { isMultipart, parseMultipart, type MultipartParts } from './multipart.js';

export type RequestInput =
  | { kind: 'json'; body: unknown }
  | { kind: 'multipart'; parts: MultipartParts }
  | { kind: 'none' };

export type BodyLimits = Catalog['limits'];

/** The fields that validation and pricing read: the JSON object, or the multipart text fields. */
export function inputFields(input: RequestInput): Record<string, unknown> | null {
  if (input.kind === 'multipart') return input.parts.fields;
  if (input.kind === 'json' && isPlainObject(input.body)) return input.body;
  return null;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the body the endpoint takes. JSON is read whatever the Content-Type says (the contract:
 * `curl -d` sends form encoding); a multipart endpoint needs a multipart/form-data body. An
 * endpoint's own `max_body_bytes` (e.g. audio uploads, whose cost grows with their length) lowers
 * the global limit.
 */
export async function parseBody(endpoint: Endpoint, contentType: string | undefined, raw: Buffer | null, limits: BodyLimits): Promise<RequestInput> {
  switch (endpoint.content_type) {
    case 'none':
      return { kind: 'none' };
    case 'json':
      return { kind: 'json', body: parseJson(raw, Math.min(endpoint.max_body_bytes ?? Infinity, limits.json_body_bytes)) };
    case 'multipart': {
      if (!isMultipart(contentType)) {
        throw new AppError('unsupported_media_type', 'This endpoint takes a multipart/form-data body (file uploads).', { field: 'body' });
      }
      const max = Math.min(endpoint.max_body_bytes ?? Infinity, limits.upload_bytes);
      if (raw && raw.length > max) throw tooLarge(max);
      return { kind: 'multipart', parts: await parseMultipart(raw ?? Buffer.alloc(0), contentType, { fileBytes: max }) };
    }
  }
}

function parseJson(raw: Buffer | null, maxBytes: number): unknown {
  if (raw && raw.length > maxBytes) throw tooLarge(maxBytes);
  if (!raw || raw.length === 0) throw new AppError('invalid_json', 'The request body is empty; this endpoint expects a JSON object.');
  const text = raw.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // OpenAI answers the same way: the parser's position details help nobody
    throw new AppError('invalid_json', 'We could not parse the JSON body of your request: it is not valid JSON.');
  }
  // JSON.parse keeps the last of two equal keys; the upstream may read the first
  const dup = findDuplicateKey(text);
  if (dup) {
    const field = dup.field ?? 'body';
    const where = dup.nested ? ` inside '${field.slice(0, 100)}'` : '';
    throw new AppError('invalid_field_value', `Invalid body: the key '${dup.key.slice(0, 100)}' appears more than once in one object${where}; send each key once.`, { field });
  }
  return body;
}

const tooLarge = (max: number): AppError => new AppError('payload_too_large', `The request body is over the limit of ${max} bytes.`);
