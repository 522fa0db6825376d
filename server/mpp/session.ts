// MPP's Lightning session intent, the wire forms: the session challenge's request (a deposit
// invoice and its payment hash), the four credential actions (open, bearer, topUp, close), the
// close receipt and the SSE events a stream sends when the session runs dry. Pure; the parsers
// never throw on what a client sends. The challenge id binds it to us as the charge intent's does.
import { createHash, timingSafeEqual } from 'node:crypto';
import { bindingTag, rfc3339, sameTag } from '../wire/binding.js';
import { asObject, canonicalJson, decodeBase64Url, encodeBase64Url, parseJson } from '../wire/codec.js';
import type { MppChallenge } from './challenge.js';

export const SESSION_INTENT = 'session';
const MSAT_PER_SAT = 1000n;
const HEX32 = /^[0-9a-f]{64}$/;
const DIGITS = /^[1-9][0-9]{0,15}$/;

/** The session challenge's request: `amount` is the price of one unit, `depositAmount` the invoice's. */
export interface SessionRequest {
  amount: string;
  currency: string;
  description?: string;
  unitType?: string;
  depositInvoice?: string;
  paymentHash: string;
  depositAmount?: string;
  idleTimeout?: string;
}

export type SessionAction =
  | { action: 'open'; preimage: Buffer; returnInvoice: string }
  | { action: 'bearer'; sessionId: string; preimage: Buffer }
  | { action: 'topUp'; sessionId: string; topUpPreimage: Buffer }
  | { action: 'close'; sessionId: string; preimage: Buffer };

export const encodeSessionRequest = (r: SessionRequest): string => encodeBase64Url(canonicalJson(r));

export function decodeSessionRequest(request: string): SessionRequest | null {
  const text = decodeBase64Url(request);
  const o = asObject(text === null ? null : parseJson(text));
  if (!o || typeof o.amount !== 'string' || typeof o.currency !== 'string' || typeof o.paymentHash !== 'string') return null;
  const r: SessionRequest = { amount: o.amount, currency: o.currency, paymentHash: o.paymentHash };
  for (const k of ['description', 'unitType', 'depositInvoice', 'depositAmount', 'idleTimeout'] as const) {
    const v = o[k];
    if (v !== undefined) {
      if (typeof v !== 'string') return null;
      r[k] = v;
    }
  }
  return r;
}

/** The payload of a session credential, or an error naming what is wrong. Unknown fields are ignored. */
export function parseSessionPayload(value: unknown): SessionAction | { error: string } {
  const p = asObject(value);
  if (!p) return { error: 'the credential has no payload object' };
  const hex = (name: string): Buffer | null => {
    const v = p[name];
    return typeof v === 'string' && HEX32.test(v.toLowerCase()) ? Buffer.from(v, 'hex') : null;
  };
  const sessionId = typeof p.sessionId === 'string' && HEX32.test(p.sessionId.toLowerCase()) ? p.sessionId.toLowerCase() : null;
  switch (p.action) {
    case 'open': {
      const preimage = hex('preimage');
      if (!preimage) return { error: 'payload.preimage must be 64 hex characters' };
      if (typeof p.returnInvoice !== 'string' || p.returnInvoice === '') return { error: 'payload.returnInvoice is required' };
      return { action: 'open', preimage, returnInvoice: p.returnInvoice };
    }
    case 'bearer':
    case 'close': {
      const preimage = hex('preimage');
      if (!sessionId) return { error: 'payload.sessionId must be 64 hex characters' };
      if (!preimage) return { error: 'payload.preimage must be 64 hex characters' };
      return { action: p.action, sessionId, preimage };
    }
    case 'topUp': {
      const topUpPreimage = hex('topUpPreimage');
      if (!sessionId) return { error: 'payload.sessionId must be 64 hex characters' };
      if (!topUpPreimage) return { error: 'payload.topUpPreimage must be 64 hex characters' };
      return { action: 'topUp', sessionId, topUpPreimage };
    }
    default:
      return { error: 'payload.action must be one of open, bearer, topUp, close' };
  }
}

export interface MintSessionInput {
  key: Buffer;
  realm: string;
  /** `<METHOD> <public path>` the open or top-up will be sent to */
  endpoint: string;
  /** the price of one unit, whole sats */
  unitSats: bigint;
  invoice: string;
  paymentHash: string;
  depositMsat: bigint;
  idleTimeoutSeconds: number;
  /** Unix seconds */
  expiresAt: number;
  description?: string;
}

export function mintSessionChallenge(i: MintSessionInput): MppChallenge {
  if (i.depositMsat <= 0n || i.depositMsat % MSAT_PER_SAT !== 0n) throw new RangeError('the deposit must be whole sats');
  if (i.unitSats <= 0n || i.unitSats * MSAT_PER_SAT > i.depositMsat) throw new RangeError('the deposit must cover one unit');
  const request = encodeSessionRequest({
    amount: i.unitSats.toString(),
    currency: 'sat',
    ...(i.description ? { description: i.description } : {}),
    unitType: 'sat',
    depositInvoice: i.invoice,
    paymentHash: i.paymentHash,
    depositAmount: (i.depositMsat / MSAT_PER_SAT).toString(),
    idleTimeout: String(i.idleTimeoutSeconds),
  });
  const unsigned = { realm: i.realm, method: 'lightning', intent: SESSION_INTENT, request, expires: rfc3339(i.expiresAt) };
  return { id: sessionChallengeId(i.key, unsigned, i.endpoint), ...unsigned };
}

export type DepositFailure = 'foreign_realm' | 'unsupported' | 'bad_binding' | 'expired' | 'malformed_request' | 'preimage_mismatch';
export type DepositVerdict = { ok: true; paymentHash: string; depositMsat: bigint; challengeId: string } | { ok: false; reason: DepositFailure };

/** An open's or a top-up's deposit: our unexpired session challenge, and the preimage of its invoice. */
export function verifyDeposit(v: { key: Buffer; realm: string; endpoint: string; challenge: MppChallenge; preimage: Buffer; now: number }): DepositVerdict {
  const c = v.challenge;
  if (c.realm !== v.realm) return { ok: false, reason: 'foreign_realm' };
  if (c.method !== 'lightning' || c.intent !== SESSION_INTENT) return { ok: false, reason: 'unsupported' };
  if (c.expires === undefined || !sameTag(sessionChallengeId(v.key, { ...c, expires: c.expires }, v.endpoint), c.id)) return { ok: false, reason: 'bad_binding' };
  const expiresAt = Date.parse(c.expires) / 1000;
  if (!Number.isFinite(expiresAt) || expiresAt <= v.now) return { ok: false, reason: 'expired' };
  const r = decodeSessionRequest(c.request);
  if (!r || r.currency !== 'sat' || !HEX32.test(r.paymentHash) || r.depositAmount === undefined || !DIGITS.test(r.depositAmount)) return { ok: false, reason: 'malformed_request' };
  if (!preimageMatches(v.preimage, r.paymentHash)) return { ok: false, reason: 'preimage_mismatch' };
  return { ok: true, paymentHash: r.paymentHash, depositMsat: BigInt(r.depositAmount) * MSAT_PER_SAT, challengeId: c.id };
}

/** SHA-256(preimage) is the payment hash (lowercase hex): the whole proof of a bearer or a close. */
export function preimageMatches(preimage: Buffer, paymentHash: string): boolean {
  if (preimage.length !== 32 || !HEX32.test(paymentHash)) return false;
  return timingSafeEqual(createHash('sha256').update(preimage).digest(), Buffer.from(paymentHash, 'hex'));
}

export type RefundStatus = 'succeeded' | 'failed' | 'skipped' | 'pending';

/** `Payment-Receipt` of a session action: the session id is the reference; a close adds its refund. */
export function formatSessionReceipt(r: { sessionId: string; timestamp: number; challengeId?: string; refund?: { sats: number; status: RefundStatus } }): string {
  return encodeBase64Url(
    canonicalJson({
      ...(r.challengeId ? { challengeId: r.challengeId } : {}),
      method: 'lightning',
      reference: r.sessionId,
      status: 'success',
      timestamp: rfc3339(r.timestamp),
      ...(r.refund ? { refundSats: r.refund.sats, refundStatus: r.refund.status } : {}),
    }),
  );
}

/** The SSE event of a stream the session can no longer pay for (and, with `timeout`, its last). */
export function sessionEvent(kind: 'payment-need-topup' | 'session-timeout', d: { sessionId: string; balanceSpent: number; balanceRequired: number }, alongside?: Record<string, unknown>): string {
  return `event: ${kind}\ndata: ${JSON.stringify({ sessionId: d.sessionId, balanceSpent: d.balanceSpent, balanceRequired: d.balanceRequired, ...alongside })}\n\n`;
}

function sessionChallengeId(key: Buffer, c: Omit<MppChallenge, 'id'> & { expires: string }, endpoint: string): string {
  return bindingTag(key, ['mpp-session', c.realm, c.method, c.intent, c.request, c.expires, endpoint]);
}
