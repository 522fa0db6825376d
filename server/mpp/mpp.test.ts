// MPP's Lightning charge: the challenge line, the credential Alby's client builds, the receipt, and
// the binding that makes a credential ours, for this endpoint, unexpired and paid.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRegtestInvoice } from '../l402/testing.js';
import { canonicalJson, encodeBase64Url } from '../wire/codec.js';
import { mintMppChallenge, verifyMppCredential, type MintMppInput } from './binding.js';
import { decodeChargeRequest, formatPaymentChallenge, formatPaymentReceipt, parsePaymentAuthorization, type MppChallenge } from './header.js';

const NOW = 1_800_000_000;
const ENDPOINT = 'POST /api/v1/openai/v1/embeddings';
const key = randomBytes(32);
const preimage = randomBytes(32);
const paymentHash = createHash('sha256').update(preimage).digest('hex');
const invoice = makeRegtestInvoice({ paymentHash: Buffer.from(paymentHash, 'hex'), amountMsat: 5000n, timestamp: NOW });
const mint = (over: Partial<MintMppInput> = {}) => mintMppChallenge({ key, realm: 'api.example', endpoint: ENDPOINT, invoice, paymentHash, amountMsat: 5000n, expiresAt: NOW + 600, ...over });

/** What Alby's buildMppCredential sends: base64url of canonical JSON echoing the challenge. */
const credentialOf = (c: MppChallenge, pre: string = preimage.toString('hex')) => `Payment ${encodeBase64Url(canonicalJson({ challenge: c, payload: { preimage: pre } }))}`;

function parsed(header: string) {
  const p = parsePaymentAuthorization(header);
  if (p === null || 'error' in p) throw new Error(`not a credential: ${JSON.stringify(p)}`);
  return p;
}

describe('the Payment challenge line', () => {
  it('is the lightning charge form Alby parses: quoted params, request as base64url canonical JSON', () => {
    const c = mint();
    expect(formatPaymentChallenge(c)).toBe(`Payment id="${c.id}", realm="api.example", method="lightning", intent="charge", request="${c.request}", expires="2027-01-15T08:10:00Z"`);
    expect(decodeChargeRequest(c.request)).toEqual({ amount: '5', currency: 'sat', methodDetails: { invoice, paymentHash, network: 'regtest' } });
    expect(Buffer.from(c.request, 'base64url').toString('utf8')).toBe(canonicalJson({ amount: '5', currency: 'sat', methodDetails: { invoice, paymentHash, network: 'regtest' } }));
  });

  it('refuses a value that would break out of its quotes', () => {
    expect(() => formatPaymentChallenge({ ...mint(), realm: 'a"b' })).toThrow(RangeError);
  });
});

describe('the Payment credential', () => {
  it('round trips what a client builds from any challenge', () => {
    fc.assert(
      fc.property(fc.record({ id: fc.string(), realm: fc.string(), method: fc.string(), intent: fc.string(), request: fc.string() }), fc.option(fc.string(), { nil: undefined }), (c, expires) => {
        const challenge: MppChallenge = expires === undefined ? c : { ...c, expires };
        const p = parsed(credentialOf(challenge));
        expect(p.challenge).toEqual(challenge);
        expect(p.preimage.equals(preimage)).toBe(true);
      }),
    );
  });

  it('never throws on garbage: null for another scheme, an error for a Payment credential it cannot read', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = parsePaymentAuthorization(s);
        if (!/^\s*payment(\s|$)/i.test(s)) expect(out).toBeNull();
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const out = parsePaymentAuthorization(`Payment ${encodeBase64Url(JSON.stringify(v) ?? 'null')}`);
        expect(out).not.toBeNull();
        expect(out && 'error' in out).toBe(true);
      }),
    );
    expect(parsePaymentAuthorization('L402 abc:def')).toBeNull();
    expect(parsePaymentAuthorization('Bearer abl_x')).toBeNull();
    expect(parsePaymentAuthorization('Payment')).toEqual({ error: expect.any(String) });
    expect(parsePaymentAuthorization(credentialOf(mint(), 'zz'))).toEqual({ error: 'payload.preimage must be 64 hex characters' });
    expect(parsePaymentAuthorization(`Payment ${'A'.repeat(9000)}`)).toEqual({ error: 'authorization header too long' });
  });
});

describe('verifying a credential', () => {
  const verify = (header: string, over: Partial<Parameters<typeof verifyMppCredential>[0]> = {}) =>
    verifyMppCredential({ key, realm: 'api.example', endpoint: ENDPOINT, credential: parsed(header), now: NOW, ...over });

  it('accepts our challenge with the preimage of its invoice: the payment hash and the invoice value', () => {
    const c = mint();
    expect(verify(credentialOf(c))).toEqual({ ok: true, paymentHash, valueMsat: 5000n, challengeId: c.id, expiresAt: NOW + 600 });
  });

  it.each([
    ['another realm', (c: MppChallenge) => ({ ...c, realm: 'other.example' }), {}, 'foreign_realm'],
    ['another method', (c: MppChallenge) => ({ ...c, method: 'tempo' }), {}, 'unsupported'],
    ['a forged id', (c: MppChallenge) => ({ ...c, id: c.id.slice(1) + 'A' }), {}, 'bad_binding'],
    ['a changed request', (c: MppChallenge) => ({ ...c, request: mint({ amountMsat: 1000n }).request }), {}, 'bad_binding'],
    ['a later expiry', (c: MppChallenge) => ({ ...c, expires: '2099-01-01T00:00:00Z' }), {}, 'bad_binding'],
    ['no expiry', ({ expires: _, ...c }: MppChallenge) => c, {}, 'bad_binding'],
    ['another endpoint', (c: MppChallenge) => c, { endpoint: 'POST /api/v1/openai/v1/chat/completions' }, 'bad_binding'],
    ['another key', (c: MppChallenge) => c, { key: randomBytes(32) }, 'bad_binding'],
    ['an expired challenge', (c: MppChallenge) => c, { now: NOW + 600 }, 'expired'],
    ['a higher price (single use)', (c: MppChallenge) => c, { priceMsat: 6000n }, 'price'],
  ] as const)('refuses %s', (_name, change, over, reason) => {
    expect(verify(credentialOf(change(mint())), over)).toEqual({ ok: false, reason });
  });

  it('refuses the preimage of another invoice', () => {
    expect(verify(credentialOf(mint(), randomBytes(32).toString('hex')))).toEqual({ ok: false, reason: 'preimage_mismatch' });
  });
});

describe('the Payment-Receipt', () => {
  it('is base64url of canonical JSON naming the challenge and the payment hash', () => {
    const r = formatPaymentReceipt({ challengeId: 'abc', method: 'lightning', reference: paymentHash, timestamp: '2027-01-15T08:00:00Z' });
    expect(Buffer.from(r, 'base64url').toString('utf8')).toBe(`{"challengeId":"abc","method":"lightning","reference":"${paymentHash}","status":"success","timestamp":"2027-01-15T08:00:00Z"}`);
  });
});
