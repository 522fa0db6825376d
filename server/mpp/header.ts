// The MPP (HTTP "Payment" authentication scheme) wire forms for the Lightning charge intent: the
// challenge line we send, the `Authorization: Payment <credential>` we read, the receipt we send.
// Pure string work; the parser never throws on what a client sends.
import { asObject, canonicalJson, decodeBase64Url, encodeBase64Url, parseJson } from '../wire/codec.js';
import { parseSessionPayload, SESSION_INTENT, type SessionAction } from './session.js';
import type { MppChallenge } from './challenge.js';

/** Longer credentials are refused before any decoding; ours are about 1,000 characters. */
export const MAX_CREDENTIAL_LENGTH = 8192;

/** The auth-params of one challenge; `request` is base64url of canonical JSON (a ChargeRequest). */
export type { MppChallenge } from './challenge.js';

/** The charge intent's request: amount in `currency` units (sats), the invoice to pay. */
export interface ChargeRequest {
  amount: string;
  currency: string;
  description?: string;
  methodDetails: { invoice: string; paymentHash?: string; network?: string };
}

/** What a client sends back: the challenge it answers (echoed) and the proof of payment. */
export interface MppCredential {
  challenge: MppChallenge;
  preimage: Buffer;
  source?: string;
  /** the session intent's action (open, bearer, topUp, close); `preimage` is then the action's preimage */
  session?: SessionAction;
}

export interface MppReceipt {
  challengeId: string;
  method: string;
  /** the payment hash */
  reference: string;
  /** RFC 3339 */
  timestamp: string;
}

// an auth-param value goes verbatim inside quotes: none of `"`, `\`, control characters
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const PREIMAGE_HEX = /^[0-9a-f]{64}$/;
const SCHEME = /^payment$/i;

/** `Payment id="…", realm="…", method="…", intent="…", request="…"[, expires="…"]`. */
export function formatPaymentChallenge(c: MppChallenge): string {
  const params: Array<[string, string]> = [
    ['id', c.id],
    ['realm', c.realm],
    ['method', c.method],
    ['intent', c.intent],
    ['request', c.request],
  ];
  if (c.expires !== undefined) params.push(['expires', c.expires]);
  for (const [name, value] of params) if (!QUOTABLE.test(value) || value === '') throw new RangeError(`${name} cannot be quoted`);
  return `Payment ${params.map(([k, v]) => `${k}="${v}"`).join(', ')}`;
}

export const encodeChargeRequest = (r: ChargeRequest): string => encodeBase64Url(canonicalJson(r));

/** The request auth-param decoded, or null when it is not a charge request. */
export function decodeChargeRequest(request: string): ChargeRequest | null {
  const text = decodeBase64Url(request);
  const o = asObject(text === null ? null : parseJson(text));
  const details = asObject(o?.methodDetails);
  if (!o || !details || typeof o.amount !== 'string' || typeof o.currency !== 'string' || typeof details.invoice !== 'string') return null;
  const r: ChargeRequest = { amount: o.amount, currency: o.currency, methodDetails: { invoice: details.invoice } };
  if (typeof o.description === 'string') r.description = o.description;
  if (typeof details.paymentHash === 'string') r.methodDetails.paymentHash = details.paymentHash;
  if (typeof details.network === 'string') r.methodDetails.network = details.network;
  return r;
}

export type PaymentAuthorizationParse = MppCredential | { error: string } | null;

/**
 * `Payment <base64url of canonical JSON {challenge, payload: {preimage}, source?}>`. Null when the
 * header uses another scheme, `{error}` when it is a Payment credential we cannot read.
 */
export function parsePaymentAuthorization(headerValue: string | null | undefined): PaymentAuthorizationParse {
  if (typeof headerValue !== 'string') return null;
  const text = headerValue.trim();
  const space = text.search(/[ \t]/);
  if (!SCHEME.test(space === -1 ? text : text.slice(0, space))) return null;
  if (text.length > MAX_CREDENTIAL_LENGTH) return { error: 'authorization header too long' };
  const token = space === -1 ? '' : text.slice(space + 1).trim();
  const decoded = token === '' ? null : decodeBase64Url(token);
  if (decoded === null) return { error: 'expected "Payment <base64url credential>"' };
  const o = asObject(parseJson(decoded));
  if (!o) return { error: 'the credential is not a JSON object' };
  const ch = asObject(o.challenge);
  if (!ch) return { error: 'the credential does not echo its challenge' };
  const challenge: Partial<MppChallenge> = {};
  for (const key of ['id', 'realm', 'method', 'intent', 'request'] as const) {
    if (typeof ch[key] !== 'string') return { error: `the echoed challenge lacks ${key}` };
    challenge[key] = ch[key];
  }
  if (ch.expires !== undefined) {
    if (typeof ch.expires !== 'string') return { error: 'the echoed expires is not a string' };
    challenge.expires = ch.expires;
  }
  if (challenge.intent === SESSION_INTENT) {
    const session = parseSessionPayload(o.payload);
    if ('error' in session) return session;
    const cred: MppCredential = { challenge: challenge as MppChallenge, preimage: session.action === 'topUp' ? session.topUpPreimage : session.preimage, session };
    if (typeof o.source === 'string') cred.source = o.source;
    return cred;
  }
  const preimage = asObject(o.payload)?.preimage;
  if (typeof preimage !== 'string' || !PREIMAGE_HEX.test(preimage.toLowerCase())) return { error: 'payload.preimage must be 64 hex characters' };
  const cred: MppCredential = { challenge: challenge as MppChallenge, preimage: Buffer.from(preimage, 'hex') };
  if (typeof o.source === 'string') cred.source = o.source;
  return cred;
}

/** `Payment-Receipt`: base64url of canonical JSON {challengeId, method, reference, status, timestamp}. */
export function formatPaymentReceipt(r: MppReceipt): string {
  return encodeBase64Url(canonicalJson({ challengeId: r.challengeId, method: r.method, reference: r.reference, status: 'success', timestamp: r.timestamp }));
}
