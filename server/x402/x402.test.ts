// x402 v2's Lightning `exact` entry: PAYMENT-REQUIRED as Alby's client reads it, the
// PAYMENT-SIGNATURE it sends back, and the binding that makes such a payment ours.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRegtestInvoice } from '../l402/testing.js';
import { mintX402Requirements, verifyX402Payment, type MintX402Input } from './binding.js';
import { formatPaymentRequired, formatPaymentResponse, parsePaymentSignature, type X402Payment, type X402Requirements } from './header.js';

const NOW = 1_800_000_000;
const ENDPOINT = 'POST /api/v1/openai/v1/embeddings';
const key = randomBytes(32);
const paymentHash = randomBytes(32).toString('hex');
const invoice = makeRegtestInvoice({ paymentHash: Buffer.from(paymentHash, 'hex'), amountMsat: 5000n, timestamp: NOW });
const mint = (over: Partial<MintX402Input> = {}) => mintX402Requirements({ key, endpoint: ENDPOINT, invoice, paymentHash, amountMsat: 5000n, expiresAt: NOW + 600, now: NOW, ...over });

/** What Alby's buildX402PaymentSignature sends: base64 JSON naming the invoice and echoing the entry. */
const signatureOf = (r: X402Requirements | Record<string, unknown>, inv = invoice) =>
  Buffer.from(JSON.stringify({ x402Version: 2, scheme: (r as X402Requirements).scheme, network: (r as X402Requirements).network, payload: { invoice: inv }, accepted: r })).toString('base64');

function parsed(header: string): X402Payment {
  const p = parsePaymentSignature(header);
  if (p === null || 'error' in p) throw new Error(`not a payment: ${JSON.stringify(p)}`);
  return p;
}

describe('PAYMENT-REQUIRED', () => {
  it('is base64 JSON with x402Version 2 and a Lightning exact entry: msat amount, bip122 network, payTo anonymous, the invoice in extra', () => {
    const r = mint();
    const header = formatPaymentRequired({ x402Version: 2, error: 'payment_required', resource: { url: '/p', description: 'd', mimeType: 'application/json' }, accepts: [r] });
    const decoded = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
    expect(decoded.x402Version).toBe(2);
    expect(decoded.accepts[0]).toEqual({
      scheme: 'exact',
      network: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328',
      amount: '5000',
      asset: 'BTC',
      payTo: 'anonymous',
      maxTimeoutSeconds: 600,
      extra: { invoice, paymentMethod: 'lightning', paymentHash, expiresAt: NOW + 600, id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
    });
  });
});

describe('PAYMENT-SIGNATURE', () => {
  it('reads what the client sends', () => {
    const r = mint();
    expect(parsed(signatureOf(r))).toEqual({ scheme: 'exact', network: r.network, invoice, accepted: { scheme: 'exact', network: r.network, amount: '5000', extra: r.extra } });
  });

  it('never throws on garbage and says what is wrong', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = parsePaymentSignature(s);
        expect(out !== null && 'error' in out).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const out = parsePaymentSignature(Buffer.from(JSON.stringify(v) ?? 'null').toString('base64'));
        expect(out !== null && 'error' in out).toBe(true);
      }),
    );
    expect(parsePaymentSignature(undefined)).toBeNull();
    expect(parsePaymentSignature(Buffer.from(JSON.stringify({ x402Version: 1 })).toString('base64'))).toEqual({ error: 'only x402Version 2 is supported' });
  });
});

describe('verifying a payment', () => {
  const verify = (header: string, over: Partial<Parameters<typeof verifyX402Payment>[0]> = {}) =>
    verifyX402Payment({ key, endpoint: ENDPOINT, payment: parsed(header), now: NOW, ...over });

  it('accepts our entry naming its invoice: the payment hash and the value', () => {
    expect(verify(signatureOf(mint()))).toEqual({ ok: true, paymentHash, valueMsat: 5000n, network: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328', expiresAt: NOW + 600 });
  });

  const other = makeRegtestInvoice({ paymentHash: randomBytes(32), amountMsat: 5000n, timestamp: NOW });
  it.each([
    ['another invoice in the payload', signatureOf(mint(), other), {}, 'bad_binding'],
    ['a changed amount', signatureOf({ ...mint(), amount: '50000' }), {}, 'bad_binding'],
    ['a changed payment hash', signatureOf({ ...mint(), extra: { ...mint().extra, paymentHash: randomBytes(32).toString('hex') } }), {}, 'bad_binding'],
    ['a later expiry', signatureOf({ ...mint(), extra: { ...mint().extra, expiresAt: NOW + 6000 } }), {}, 'bad_binding'],
    ['another endpoint', signatureOf(mint()), { endpoint: 'POST /api/v1/openai/v1/chat/completions' }, 'bad_binding'],
    ['another scheme', signatureOf({ ...mint(), scheme: 'upto' }), {}, 'unsupported'],
    ['another payment method', signatureOf({ ...mint(), extra: { ...mint().extra, paymentMethod: 'usdc' } }), {}, 'unsupported'],
    ['an expired entry', signatureOf(mint()), { now: NOW + 600 }, 'expired'],
    ['a higher price (single use)', signatureOf(mint()), { priceMsat: 6000n }, 'price'],
  ] as const)('refuses %s', (_name, header, over, reason) => {
    expect(verify(header, over)).toEqual({ ok: false, reason });
  });
});

describe('PAYMENT-RESPONSE', () => {
  it('is base64 JSON as the Lightning exact scheme settles: success, the invoice as the transaction, the network, the payment hash beside it', () => {
    const h = formatPaymentResponse({ network: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328', invoice: 'lnbcrt1u1example', paymentHash, settledAt: 1_800_000_000 });
    expect(JSON.parse(Buffer.from(h, 'base64').toString('utf8'))).toEqual({
      success: true,
      transaction: 'lnbcrt1u1example',
      network: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328',
      payer: 'anonymous',
      extra: { invoice: 'lnbcrt1u1example', paymentHash, settledAt: 1_800_000_000 },
    });
  });
});
