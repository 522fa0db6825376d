// Secrets are compared in constant time: every check of a webhook signature, the admin secret,
// an L402 credential (preimage hash and macaroon signature) and the development node's password
// goes through crypto.timingSafeEqual on equal-length buffers, also when the guess is wrong.
// (Tokens are never compared: they are looked up by their SHA-256 in the store.)
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = vi.fn((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => actual.timingSafeEqual(a, b));
  return { ...actual, timingSafeEqual, default: { ...actual, timingSafeEqual } };
});

const { timingSafeEqual, createHash } = await import('node:crypto');
const { isValidWebhookSignature, signWebhook, verifyPhoenixdWebhook } = await import('../lightning/webhook.js');
const { secretMatches } = await import('../admin-link.js');
const { mintChallenge, verifyCredential } = await import('../l402/mint.js');
const { buildDevnodeHttp } = await import('../lightning/devnode/http.js');

const spy = vi.mocked(timingSafeEqual);
/** [a, b] byte lengths of each timingSafeEqual call since the last reset */
const compared = () => spy.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength]);

describe('secret comparisons', () => {
  beforeEach(() => {
    spy.mockClear();
  });

  it('webhook signatures', () => {
    const body = Buffer.from('{"type":"payment_received"}');
    const secret = 'whsec-' + randomBytes(8).toString('hex');
    expect(isValidWebhookSignature(body, signWebhook(body, secret), secret)).toBe(true);
    expect(isValidWebhookSignature(body, signWebhook(body, 'wrong'), secret)).toBe(false);
    expect(compared()).toEqual([[32, 32], [32, 32]]);
    // no secret configured: refused, whatever the signature
    expect(verifyPhoenixdWebhook(body, signWebhook(body, ''), undefined)).toBeNull();
  });

  it('the admin secret', () => {
    const secret = randomBytes(32).toString('hex');
    expect(secretMatches(secret, secret)).toBe(true);
    expect(secretMatches(secret, 'f'.repeat(64))).toBe(false);
    expect(compared()).toEqual([[64, 64], [64, 64]]);
    expect(secretMatches(secret, undefined)).toBe(false);
  });

  it('L402 credentials: the preimage against the payment hash, and the macaroon signature', () => {
    const rootKey = randomBytes(32);
    const preimage = randomBytes(32);
    const paymentHash = createHash('sha256').update(preimage).digest();
    const now = 1_800_000_000;
    const action = { api: 'openai', endpoint: 'POST /api/v1/openai/v1/chat/completions', priceMsat: 30_000n };
    const minted = mintChallenge({ rootKey, paymentHash, ...action, now, ttlSeconds: 3600 });
    expect(verifyCredential({ rootKey, macaroon: minted.macaroon, preimage, ...action, now }).ok).toBe(true);
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(2); // hash, then signature

    spy.mockClear();
    expect(verifyCredential({ rootKey, macaroon: minted.macaroon, preimage: randomBytes(32), ...action, now })).toEqual({ ok: false, reason: 'preimage_mismatch' });
    expect(compared()).toEqual([[32, 32]]);

    spy.mockClear();
    const tampered = Buffer.from(minted.macaroon);
    tampered[tampered.length - 1]! ^= 1; // the last byte of the signature
    expect(verifyCredential({ rootKey, macaroon: tampered, preimage, ...action, now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(compared()).toEqual([[32, 32], [32, 32]]);
    spy.mockClear();
    expect(verifyCredential({ rootKey: randomBytes(32), macaroon: minted.macaroon, preimage, ...action, now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(compared()).toEqual([[32, 32], [32, 32]]);
  });

  it("the development node's http-password", async () => {
    const app = buildDevnodeHttp('s3cret-password');
    app.get('/probe', async () => ({ ok: true }));
    const basic = (p: string) => ({ authorization: `Basic ${Buffer.from(`:${p}`).toString('base64')}` });
    expect((await app.inject({ url: '/probe', headers: basic('s3cret-password') })).statusCode).toBe(200);
    expect((await app.inject({ url: '/probe', headers: basic('s3cret-passwore') })).statusCode).toBe(401);
    expect((await app.inject({ url: '/probe', headers: basic('x') })).statusCode).toBe(401);
    expect(compared()).toEqual([[32, 32], [32, 32], [32, 32]]); // digests: the length of the guess does not show either
    await app.close();
  });
});
