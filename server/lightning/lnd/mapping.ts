// Pure translations of LND's invoices and payments into the WalletBackend's msat types.
import type { IncomingInvoice, PaymentOutcome } from '../backend.js';
import type { z } from 'zod';
import type { invoiceSchema, paymentSchema } from './responses.js';

type Invoice = z.output<typeof invoiceSchema>;
type Payment = z.output<typeof paymentSchema>;

const PREIMAGE = /^[0-9a-f]{64}$/;

export function toIncomingInvoice(inv: Invoice, nowSeconds: number): IncomingInvoice {
  const expiresAt = Number(inv.creation_date + inv.expiry);
  const isPaid = inv.state === 'SETTLED';
  return {
    paymentHash: inv.r_hash,
    bolt11: inv.payment_request,
    isPaid,
    ...(inv.state === 'ACCEPTED' ? { isHeld: true } : {}),
    // CANCELED is what LND makes of an expired invoice; ACCEPTED (a held HTLC) is not paid yet
    isExpired: inv.state === 'CANCELED' || (inv.state === 'OPEN' && nowSeconds > expiresAt),
    receivedMsat: isPaid ? inv.amt_paid_msat : 0n,
    requestedMsat: inv.value_msat === 0n ? null : inv.value_msat,
    externalId: null, // LND keeps no such field
    expiresAt,
    completedAt: isPaid && inv.settle_date > 0n ? Number(inv.settle_date) : null,
  };
}

/**
 * SUCCEEDED with its preimage → succeeded; FAILED → failed with LND's reason; anything else
 * (IN_FLIGHT, INITIATED, UNKNOWN, a success without proof) → pending.
 */
export function paymentToOutcome(p: Payment): PaymentOutcome {
  if (p.status === 'SUCCEEDED') {
    const preimage = p.payment_preimage.toLowerCase();
    if (!PREIMAGE.test(preimage) || /^0+$/.test(preimage)) return { status: 'pending', paymentHash: p.payment_hash };
    return { status: 'succeeded', paymentHash: p.payment_hash, preimage, amountMsat: p.value_msat, feeMsat: p.fee_msat };
  }
  if (p.status === 'FAILED') {
    return { status: 'failed', paymentHash: p.payment_hash, reason: `LND: ${p.failure_reason}` };
  }
  return { status: 'pending', paymentHash: p.payment_hash };
}

export function isTerminal(p: Payment): boolean {
  return p.status === 'SUCCEEDED' || p.status === 'FAILED';
}
