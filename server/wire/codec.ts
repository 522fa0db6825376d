// Canonical JSON (RFC 8785 for the JSON values we exchange: strings, safe integers, booleans,
// null, arrays, objects), unpadded base64url (MPP) and standard base64 (x402): the encodings the
// payment rails put on the wire. Pure; the decoders never throw on what a client sends.

/** Compact JSON with object keys sorted by UTF-16 code units at every level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('canonical JSON has no NaN or Infinity');
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** UTF-8, then base64url without padding. */
export function encodeBase64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64url (padding tolerated) to UTF-8 text; null for anything else, or for bytes that are not UTF-8. */
export function decodeBase64Url(text: string): string | null {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */) end--;
  if (text.length - end > 2 || end % 4 === 1) return null;
  const body = text.slice(0, end);
  if (!BASE64URL.test(body)) return null;
  return utf8(Buffer.from(body, 'base64url'));
}

const STD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard padded base64 (x402's headers) to UTF-8 text; null for anything else. */
export function decodeBase64Std(text: string): string | null {
  if (!STD_BASE64.test(text) || text.length % 4 !== 0) return null;
  return utf8(Buffer.from(text, 'base64'));
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Buffer): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** JSON.parse that answers null instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A plain JSON object, or null. */
export function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
