// MPP's Lightning session intent on the wire: the session challenge, the four credential actions
// a client builds, the deposit verification (ours, unexpired, paid), the close receipt and the
// SSE event of a stream the session can no longer pay for.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRegtestInvoice } from '../l402/testing.js';
import { canonicalJson, encodeBase64Url } from '../wire/codec.js';
import { parsePaymentAuthorization, type MppChallenge } from './header.js';
import { decodeSessionRequest, formatSessionReceipt, mintSessionChallenge, parseSessionPayload, preimageMatches, sessionEvent, verifyDeposit, type MintSessionInput } from './session.js';

const NOW = 1_800_000_000;
const ENDPOINT = 'POST /api/v1/mpp/session';
const key = randomBytes(32);
const preimage = randomBytes(32);
const paymentHash = createHash('sha256').update(preimage).digest('hex');
const invoice = makeRegtestInvoice({ paymentHash: Buffer.from(paymentHash, 'hex'), amountMsat: 50_000n, timestamp: NOW });
const mint = (over: Partial<MintSessionInput> = {}) =>
  mintSessionChallenge({ key, realm: 'api.example', endpoint: ENDPOINT, unitSats: 1n, invoice, paymentHash, depositMsat: 50_000n, idleTimeoutSeconds: 300, expiresAt: NOW + 600, ...over });
const header = (challenge: MppChallenge, payload: unknown) => `Payment ${encodeBase64Url(canonicalJson({ challenge, payload }))}`;
const hex = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

describe('the session challenge', () => {
  it('carries the unit price, the deposit invoice, its hash and amount, and the idle timeout, as base64url canonical JSON', () => {
    const c = mint();
    expect(c).toMatchObject({ realm: 'api.example', method: 'lightning', intent: 'session', expires: '2027-01-15T08:10:00Z' });
    const request = { amount: '1', currency: 'sat', unitType: 'sat', depositInvoice: invoice, paymentHash, depositAmount: '50', idleTimeout: '300' };
    expect(decodeSessionRequest(c.request)).toEqual(request);
    expect(Buffer.from(c.request, 'base64url').toString('utf8')).toBe(canonicalJson(request));
  });

  it('refuses a deposit that is not whole sats or does not cover one unit', () => {
    expect(() => mint({ depositMsat: 50_500n })).toThrow(RangeError);
    expect(() => mint({ unitSats: 51n })).toThrow(RangeError);
  });
});

describe('the session credential', () => {
  it('round trips every action a client builds', () => {
    fc.assert(
      fc.property(hex, hex, fc.string({ minLength: 1 }), (sessionId, pre, returnInvoice) => {
        const c = mint();
        const cases = [
          [{ action: 'open', preimage: pre, returnInvoice }, { action: 'open', preimage: Buffer.from(pre, 'hex'), returnInvoice }],
          [{ action: 'bearer', sessionId, preimage: pre }, { action: 'bearer', sessionId, preimage: Buffer.from(pre, 'hex') }],
          [{ action: 'topUp', sessionId, topUpPreimage: pre, unknown: 1 }, { action: 'topUp', sessionId, topUpPreimage: Buffer.from(pre, 'hex') }],
          [{ action: 'close', sessionId, preimage: pre }, { action: 'close', sessionId, preimage: Buffer.from(pre, 'hex') }],
        ] as const;
        for (const [payload, expected] of cases) {
          const p = parsePaymentAuthorization(header(c, payload));
          expect(p && !('error' in p) && p.session).toEqual(expected);
          expect(p && !('error' in p) && p.preimage.equals(Buffer.from(pre, 'hex'))).toBe(true);
        }
      }),
    );
  });

  it('never throws on any payload, and names what is missing', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => void parseSessionPayload(v)));
    expect(parseSessionPayload({ action: 'refund' })).toEqual({ error: 'payload.action must be one of open, bearer, topUp, close' });
    expect(parseSessionPayload({ action: 'open', preimage: 'ab' })).toEqual({ error: 'payload.preimage must be 64 hex characters' });
    expect(parseSessionPayload({ action: 'open', preimage: 'ab'.repeat(32) })).toEqual({ error: 'payload.returnInvoice is required' });
    expect(parseSessionPayload({ action: 'topUp', sessionId: 'ab'.repeat(32), preimage: 'ab'.repeat(32) })).toEqual({ error: 'payload.topUpPreimage must be 64 hex characters' });
    expect(parseSessionPayload({ action: 'close', preimage: 'ab'.repeat(32) })).toEqual({ error: 'payload.sessionId must be 64 hex characters' });
    expect(parsePaymentAuthorization(header(mint(), { action: 'bearer' }))).toEqual({ error: 'payload.sessionId must be 64 hex characters' });
  });
});

describe('verifying a deposit (open, topUp)', () => {
  const verify = (c: MppChallenge, over: Partial<Parameters<typeof verifyDeposit>[0]> = {}) => verifyDeposit({ key, realm: 'api.example', endpoint: ENDPOINT, challenge: c, preimage, now: NOW, ...over });

  it('accepts our challenge with the preimage of its invoice: the payment hash and the deposit', () => {
    const c = mint();
    expect(verify(c)).toEqual({ ok: true, paymentHash, depositMsat: 50_000n, challengeId: c.id });
  });

  it.each([
    ['another realm', (c: MppChallenge) => ({ ...c, realm: 'other.example' }), {}, 'foreign_realm'],
    ['the charge intent', (c: MppChallenge) => ({ ...c, intent: 'charge' }), {}, 'unsupported'],
    ['a forged id', (c: MppChallenge) => ({ ...c, id: c.id.slice(1) + 'A' }), {}, 'bad_binding'],
    ['a larger deposit', (c: MppChallenge) => ({ ...c, request: mint({ depositMsat: 90_000n }).request }), {}, 'bad_binding'],
    ['another endpoint', (c: MppChallenge) => c, { endpoint: 'POST /api/v1/openai/v1/embeddings' }, 'bad_binding'],
    ['another key', (c: MppChallenge) => c, { key: randomBytes(32) }, 'bad_binding'],
    ['an expired challenge', (c: MppChallenge) => c, { now: NOW + 600 }, 'expired'],
    ['another preimage', (c: MppChallenge) => c, { preimage: randomBytes(32) }, 'preimage_mismatch'],
  ] as const)('refuses %s', (_name, change, over, reason) => {
    expect(verify(change(mint()), over)).toEqual({ ok: false, reason });
  });

  it('a preimage proves its own payment hash only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
        const hashA = createHash('sha256').update(a).digest('hex');
        expect(preimageMatches(Buffer.from(a), hashA)).toBe(true);
        expect(preimageMatches(Buffer.from(b), hashA)).toBe(Buffer.from(a).equals(Buffer.from(b)));
      }),
    );
  });
});

describe('receipts and stream events', () => {
  it('a close receipt names the session and its refund', () => {
    const r = formatSessionReceipt({ sessionId: paymentHash, timestamp: NOW, refund: { sats: 140, status: 'succeeded' } });
    expect(Buffer.from(r, 'base64url').toString('utf8')).toBe(
      canonicalJson({ method: 'lightning', reference: paymentHash, refundSats: 140, refundStatus: 'succeeded', status: 'success', timestamp: '2027-01-15T08:00:00Z' }),
    );
  });

  it('payment-need-topup is one SSE event with the session, what it spent and what the next unit needs', () => {
    expect(sessionEvent('payment-need-topup', { sessionId: 'ab', balanceSpent: 300, balanceRequired: 2 })).toBe('event: payment-need-topup\ndata: {"sessionId":"ab","balanceSpent":300,"balanceRequired":2}\n\n');
  });
});
