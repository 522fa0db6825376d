// The pure translations of LND's and Core Lightning's records, including shapes the fakes never send.
import { describe, expect, it } from 'vitest';
import { bestOf, externalIdOf, labelFor, payToOutcome, toIncomingInvoice as clnInvoice } from './cln/mapping.js';
import { listPaysSchema, paySchema } from './cln/responses.js';
import { paymentToOutcome, toIncomingInvoice as lndInvoice } from './lnd/mapping.js';
import { invoiceSchema, paymentSchema, rpcErrorSchema, streamLineSchema } from './lnd/responses.js';
import { feeLimitMsat } from './amounts.js';

const H = 'ab'.repeat(32);
const P = 'cd'.repeat(32);

describe('LND records', () => {
  it('int64 strings and base64 bytes; ACCEPTED (held) is not paid; CANCELED is expired', () => {
    const base = { r_hash: Buffer.from(H, 'hex').toString('base64'), value_msat: '21500', creation_date: '1700000000', expiry: '600', payment_request: 'lnbcrt1', amt_paid_msat: '0' };
    expect(lndInvoice(invoiceSchema.parse({ ...base, state: 'OPEN' }), 1_700_000_000)).toMatchObject({ paymentHash: H, requestedMsat: 21_500n, isPaid: false, isExpired: false, expiresAt: 1_700_000_600 });
    expect(lndInvoice(invoiceSchema.parse({ ...base, state: 'OPEN' }), 1_700_000_601).isExpired).toBe(true);
    expect(lndInvoice(invoiceSchema.parse({ ...base, state: 'ACCEPTED', amt_paid_msat: '21500' }), 1_700_000_000)).toMatchObject({ isPaid: false, receivedMsat: 0n });
    expect(lndInvoice(invoiceSchema.parse({ ...base, state: 'CANCELED' }), 1_700_000_000).isExpired).toBe(true);
    expect(lndInvoice(invoiceSchema.parse({ ...base, state: 'SETTLED', amt_paid_msat: '22000', settle_date: '1700000100' }), 1_700_000_000)).toMatchObject({ isPaid: true, receivedMsat: 22_000n, completedAt: 1_700_000_100 });
    expect(lndInvoice(invoiceSchema.parse({ ...base, value_msat: '0', state: 'OPEN' }), 0).requestedMsat).toBeNull();
  });

  it('only SUCCEEDED with a real preimage succeeds; FAILED carries the reason; the rest is pending', () => {
    const p = (extra: Record<string, unknown>) => paymentToOutcome(paymentSchema.parse({ payment_hash: H, value_msat: '7000', fee_msat: '12', ...extra }));
    expect(p({ status: 'SUCCEEDED', payment_preimage: P })).toEqual({ status: 'succeeded', paymentHash: H, preimage: P, amountMsat: 7_000n, feeMsat: 12n });
    expect(p({ status: 'SUCCEEDED', payment_preimage: '0'.repeat(64) })).toEqual({ status: 'pending', paymentHash: H });
    expect(p({ status: 'SUCCEEDED', payment_preimage: '' })).toEqual({ status: 'pending', paymentHash: H });
    expect(p({ status: 'FAILED', failure_reason: 'FAILURE_REASON_TIMEOUT' })).toEqual({ status: 'failed', paymentHash: H, reason: 'LND: FAILURE_REASON_TIMEOUT' });
    for (const status of ['IN_FLIGHT', 'INITIATED', 'UNKNOWN', 'SOMETHING_NEW']) expect(p({ status })).toEqual({ status: 'pending', paymentHash: H });
  });

  it('reads errors of both gateway generations, in bodies and stream lines', () => {
    expect(rpcErrorSchema.parse({ code: 5, message: 'x', details: [] })).toEqual({ code: 5, message: 'x' });
    expect(rpcErrorSchema.parse({ grpc_code: 5, http_code: 404, message: 'x', http_status: 'Not Found' })).toEqual({ code: 5, message: 'x' });
    expect(streamLineSchema.parse({ error: { grpc_code: 6, message: 'invoice is already paid' } })).toEqual({ kind: 'error', value: { code: 6, message: 'invoice is already paid' } });
    expect(streamLineSchema.parse({ result: { a: 1 } })).toEqual({ kind: 'result', value: { a: 1 } });
  });
});

describe('Core Lightning records', () => {
  it('msat as integers or "…msat" strings; the external id comes back from the label', () => {
    const label = labelFor('r4nd0m', 'acct/1');
    expect(externalIdOf(label)).toBe('acct/1');
    expect(externalIdOf(labelFor('r4nd0m', undefined))).toBeNull();
    expect(externalIdOf('someone-elses-label')).toBeNull();
    const paid = clnInvoice({ label, payment_hash: H, status: 'paid', amount_msat: 21_500n, amount_received_msat: 21_500n, paid_at: 5, expires_at: 10 }, 20);
    expect(paid).toMatchObject({ isPaid: true, isExpired: false, receivedMsat: 21_500n, externalId: 'acct/1', completedAt: 5 });
    expect(clnInvoice({ label, payment_hash: H, status: 'unpaid', expires_at: 10 }, 11)).toMatchObject({ isExpired: true, requestedMsat: null });
    expect(paySchema.parse({ payment_hash: H, status: 'complete', amount_msat: '1000msat' }).amount_msat).toBe(1_000n);
  });

  it('pay results: complete with preimage succeeds (fee = sent − amount); listpays prefers complete, then pending', () => {
    expect(payToOutcome(paySchema.parse({ payment_hash: H, status: 'complete', payment_preimage: P, amount_msat: 7000, amount_sent_msat: 7012 }))).toEqual({ status: 'succeeded', paymentHash: H, preimage: P, amountMsat: 7_000n, feeMsat: 12n });
    expect(payToOutcome(paySchema.parse({ payment_hash: H, status: 'complete', amount_msat: 7000 }))).toEqual({ status: 'pending', paymentHash: H });
    const pays = listPaysSchema.parse({ pays: [{ payment_hash: H, status: 'failed' }, { payment_hash: H, status: 'pending' }] }).pays;
    expect(bestOf(pays)?.status).toBe('pending');
    expect(bestOf([...pays, paySchema.parse({ payment_hash: H, status: 'complete', preimage: P, amount_msat: 1 })])?.status).toBe('complete');
    expect(bestOf([])).toBeNull();
  });
});

describe('fee limit', () => {
  it('1 % of the amount, never below the floor, in msat', () => {
    expect(feeLimitMsat(1_000n)).toBe(10_000n);
    expect(feeLimitMsat(5_000_000n)).toBe(50_000n);
    expect(feeLimitMsat(5_000_000n, 0.5, 0n)).toBe(25_000n);
  });
});
