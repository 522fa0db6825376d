// Base64 for macaroons on the wire: we send standard padded base64 (Aperture's
// base64.StdEncoding); we accept standard or URL-safe, padded or not (clients differ).

/** Standard alphabet, `=` padded. */
export function encodeBase64Std(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// One character class, no nesting: linear on any input.
const BASE64_BODY = /^[A-Za-z0-9+/_-]+$/;

/**
 * Decodes standard or URL-safe base64, with or without padding.
 * Returns null for anything else: Buffer.from(…, 'base64') would silently skip bad characters.
 */
export function decodeBase64Loose(text: string): Buffer | null {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */) end--;
  const padding = text.length - end;
  if (end === 0 || padding > 2) return null;
  if (end % 4 === 1) return null; // no byte count encodes to 4n+1 characters
  if (padding > 0 && text.length % 4 !== 0) return null; // padding only ever completes a quad
  const body = padding === 0 ? text : text.slice(0, end);
  if (!BASE64_BODY.test(body)) return null;
  // Node's 'base64' decoder reads both alphabets
  return Buffer.from(body, 'base64');
}
