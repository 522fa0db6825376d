import { describe, expect, it } from 'vitest';
import { PhoenixdWallet } from './phoenixd/wallet.js';
import { isValidWebhookSignature, signWebhook, verifyPhoenixdWebhook } from './webhook.js';

const HASH = 'ab'.repeat(32);
const BODY = Buffer.from(
  `{"type":"payment_received","timestamp":1712150400000,"amountSat":21,"paymentHash":"${HASH}","externalId":"order-1","payerNote":null,"payerKey":null}`,
);
const SECRET = 'sëcret'; // non-ASCII: the key is the secret's UTF-8 bytes
// Computed independently with Python's hmac module over the same bytes.
const SIGNATURE = '66e229b8eedd8c364823ce1489b4789970923a0858f4829fb27ed816c6e74a1b';

describe('phoenixd webhook signatures', () => {
  it('signs as hex HMAC-SHA256 of the raw body keyed with the UTF-8 secret', () => {
    expect(signWebhook(BODY, SECRET)).toBe(SIGNATURE);
    expect(signWebhook(BODY.toString('utf8'), SECRET)).toBe(SIGNATURE);
  });

  it('accepts a good signature and returns the event in msat', () => {
    expect(verifyPhoenixdWebhook(BODY, SIGNATURE, SECRET)).toEqual({ paymentHash: HASH, amountMsat: 21_000n, externalId: 'order-1' });
    expect(verifyPhoenixdWebhook(BODY, SIGNATURE.toUpperCase(), SECRET)?.paymentHash).toBe(HASH);
  });

  it('refuses a signature with one digit changed', () => {
    const flipped = `${SIGNATURE.slice(0, -1)}${SIGNATURE.endsWith('b') ? 'c' : 'b'}`;
    expect(verifyPhoenixdWebhook(BODY, flipped, SECRET)).toBeNull();
  });

  it('refuses signatures of the wrong length or alphabet without throwing', () => {
    for (const bad of ['', SIGNATURE.slice(0, 62), `${SIGNATURE}00`, 'zz'.repeat(32), `${SIGNATURE.slice(0, 63)}g`]) {
      expect(isValidWebhookSignature(BODY, bad, SECRET)).toBe(false);
    }
    expect(verifyPhoenixdWebhook(BODY, undefined, SECRET)).toBeNull();
  });

  it('refuses everything when no secret is configured', () => {
    expect(verifyPhoenixdWebhook(BODY, SIGNATURE, undefined)).toBeNull();
    expect(verifyPhoenixdWebhook(BODY, signWebhook(BODY, ''), '')).toBeNull();
  });

  it('refuses the same JSON re-serialized: the signature covers the raw bytes', () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY.toString('utf8')), null, 4));
    expect(verifyPhoenixdWebhook(pretty, SIGNATURE, SECRET)).toBeNull();
    expect(verifyPhoenixdWebhook(pretty, signWebhook(pretty, SECRET), SECRET)?.amountMsat).toBe(21_000n);
  });

  it('returns null for an authentic event that is not payment_received, or junk', () => {
    const other = Buffer.from(BODY.toString('utf8').replace('payment_received', 'payment_sent'));
    expect(verifyPhoenixdWebhook(other, signWebhook(other, SECRET), SECRET)).toBeNull();
    const junk = Buffer.from('not json');
    expect(verifyPhoenixdWebhook(junk, signWebhook(junk, SECRET), SECRET)).toBeNull();
    const noHash = Buffer.from('{"type":"payment_received","amountSat":1,"paymentHash":"00"}');
    expect(verifyPhoenixdWebhook(noHash, signWebhook(noHash, SECRET), SECRET)).toBeNull();
  });

  it('maps a missing externalId to null', () => {
    const body = Buffer.from(`{"type":"payment_received","amountSat":5,"paymentHash":"${HASH}"}`);
    expect(verifyPhoenixdWebhook(body, signWebhook(body, SECRET), SECRET)).toEqual({ paymentHash: HASH, amountMsat: 5_000n, externalId: null });
  });

  it('is what PhoenixdWallet.verifyWebhook uses, with the secret it was built with', async () => {
    const withSecret = new PhoenixdWallet({ url: 'http://127.0.0.1:9', password: 'p', webhookSecret: SECRET });
    const withoutSecret = new PhoenixdWallet({ url: 'http://127.0.0.1:9', password: 'p' });
    expect(withSecret.verifyWebhook(BODY, SIGNATURE)?.paymentHash).toBe(HASH);
    expect(withoutSecret.verifyWebhook(BODY, SIGNATURE)).toBeNull();
    await Promise.all([withSecret.close(), withoutSecret.close()]);
  });
});
