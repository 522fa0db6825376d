// The two L402 HTTP headers: the 402 challenge we send and the Authorization credential we read.
// Pure string work with indexOf/slice and single-class regexes: linear on any input, never throws
// on what a client sends.
import { decodeBase64Loose } from './base64.js';

/** Longer Authorization values are refused before any decoding; ours are about 450 characters. */
export const MAX_AUTHORIZATION_LENGTH = 8192;

const STD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BOLT11 = /^ln[a-z0-9]+$/i;
const PREIMAGE_HEX = /^[0-9a-fA-F]{64}$/;
const SCHEME = /^(?:L402|LSAT)$/i;

/**
 * The two WWW-Authenticate values, LSAT first (old Aperture-era clients read only the first),
 * exactly `<scheme> macaroon="<b64>", invoice="<bolt11>"`: lnget's regex, lsat-js (split on `,`)
 * and Fewsats (needs the space after the comma) all read this form.
 */
export function formatChallenge(macaroonB64: string, invoice: string): [string, string] {
  // both go verbatim inside quotes: refuse anything that could break out of them
  if (!STD_BASE64.test(macaroonB64) || macaroonB64.length % 4 !== 0) throw new RangeError('macaroon must be standard padded base64');
  if (!BOLT11.test(invoice)) throw new RangeError('invoice must be a BOLT11 string');
  const params = `macaroon="${macaroonB64}", invoice="${invoice}"`;
  return [`LSAT ${params}`, `L402 ${params}`];
}

export type L402Scheme = 'L402' | 'LSAT';

export interface L402Authorization {
  scheme: L402Scheme;
  macaroon: Buffer;
  preimage: Buffer;
}

export type AuthorizationParse = L402Authorization | { error: string } | null;

/**
 * `L402 <macaroon>:<preimage>` (or LSAT, any case). Null when the header uses another scheme
 * (e.g. `Bearer abl_…`), `{error}` when it is an L402/LSAT header we cannot accept.
 */
export function parseAuthorization(headerValue: string | null | undefined): AuthorizationParse {
  if (typeof headerValue !== 'string') return null;
  const start = skipBlanks(headerValue, 0);
  const schemeEnd = start + 4;
  const candidate = headerValue.slice(start, schemeEnd);
  // ASCII-only case folding: toUpperCase alone would turn "LſAT" (long s) into "LSAT"
  if (!SCHEME.test(candidate)) return null;
  const scheme: L402Scheme = candidate.toUpperCase() === 'L402' ? 'L402' : 'LSAT';
  if (schemeEnd < headerValue.length && !isBlank(headerValue.charCodeAt(schemeEnd))) return null; // e.g. "L402x"

  if (headerValue.length > MAX_AUTHORIZATION_LENGTH) return { error: 'authorization header too long' };
  const credentials = headerValue.slice(schemeEnd).trim();
  if (credentials.length === 0) return { error: `expected "${scheme} <macaroon>:<preimage>"` };

  const colon = credentials.indexOf(':');
  if (colon === -1) return { error: `expected "${scheme} <macaroon>:<preimage>"` };
  if (credentials.indexOf(':', colon + 1) !== -1) return { error: 'expected exactly one <macaroon>:<preimage> pair' };
  const macaroonText = credentials.slice(0, colon);
  const preimageText = credentials.slice(colon + 1);

  // Aperture's spec allows `mac1,mac2:preimage`; we mint single macaroons and accept only those
  if (macaroonText.includes(',')) return { error: 'several macaroons are not supported: send exactly one' };
  if (!PREIMAGE_HEX.test(preimageText)) return { error: 'preimage must be 64 hex characters' };
  const macaroon = decodeBase64Loose(macaroonText);
  if (macaroon === null) return { error: 'macaroon must be base64' };
  return { scheme, macaroon, preimage: Buffer.from(preimageText, 'hex') };
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}
