// What the node backends (LND, Core Lightning, NWC) check of a request before it reaches the node.
import type { CreateInvoiceParams, PayInvoiceParams, PaymentOutcome } from './backend.js';
import { tryDecodeBolt11, type DecodedInvoice } from './bolt11.js';

const MAX_DESCRIPTION_BYTES = 639; // BOLT11's longest description

/** Throws a RangeError for an invoice no node should be asked for. */
export function checkInvoiceParams(params: CreateInvoiceParams): void {
  if (params.amountMsat <= 0n) throw new RangeError('an invoice amount must be positive');
  if (Buffer.byteLength(params.description, 'utf8') > MAX_DESCRIPTION_BYTES) throw new RangeError(`invoice description is longer than ${MAX_DESCRIPTION_BYTES} bytes`);
  if (!Number.isSafeInteger(params.expirySeconds) || params.expirySeconds <= 0) throw new RangeError('expirySeconds must be a positive integer');
}

/** The invoice to pay and the amount to send, or the failure that needs no node: not BOLT11, or zero-amount without an amount. */
export function payTarget(params: PayInvoiceParams): { invoice: DecodedInvoice; amountMsat: bigint } | PaymentOutcome {
  const invoice = tryDecodeBolt11(params.bolt11);
  if (!invoice) return { status: 'failed', paymentHash: null, reason: 'not a valid BOLT11 invoice' };
  const amountMsat = invoice.amountMsat ?? params.amountMsat;
  if (amountMsat === undefined) return { status: 'failed', paymentHash: invoice.paymentHash, reason: 'a zero-amount invoice needs an amount' };
  return { invoice, amountMsat };
}
