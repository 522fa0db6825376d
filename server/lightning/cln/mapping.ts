// Pure translations of Core Lightning's invoices and payments into the WalletBackend's msat types.
import type { IncomingInvoice, PaymentOutcome } from '../backend.js';
import type { z } from 'zod';
import type { invoiceSchema, paySchema } from './responses.js';

type Invoice = z.output<typeof invoiceSchema>;
type Pay = z.output<typeof paySchema>;

const LABEL_PREFIX = 'abl/';

/** Labels are unique per node: a random part, then the caller's external id (kept by the node). */
export function labelFor(unique: string, externalId: string | undefined): string {
  return `${LABEL_PREFIX}${unique}/${externalId ?? ''}`;
}

export function externalIdOf(label: string): string | null {
  if (!label.startsWith(LABEL_PREFIX)) return null;
  const rest = label.slice(LABEL_PREFIX.length);
  const slash = rest.indexOf('/');
  const id = slash >= 0 ? rest.slice(slash + 1) : '';
  return id === '' ? null : id;
}

export function toIncomingInvoice(inv: Invoice, nowSeconds: number): IncomingInvoice {
  const isPaid = inv.status === 'paid';
  return {
    paymentHash: inv.payment_hash,
    bolt11: inv.bolt11 ?? '',
    isPaid,
    isExpired: inv.status === 'expired' || (!isPaid && nowSeconds > inv.expires_at),
    receivedMsat: isPaid ? (inv.amount_received_msat ?? 0n) : 0n,
    requestedMsat: inv.amount_msat ?? null,
    externalId: externalIdOf(inv.label),
    expiresAt: inv.expires_at,
    completedAt: isPaid ? (inv.paid_at ?? null) : null,
  };
}

/** complete with its preimage → succeeded; failed → failed; pending (or a success without proof) → pending. */
export function payToOutcome(p: Pay, reason = 'Core Lightning: payment failed'): PaymentOutcome {
  if (p.status === 'complete') {
    const preimage = p.payment_preimage ?? p.preimage;
    if (!preimage || p.amount_msat === undefined) return { status: 'pending', paymentHash: p.payment_hash };
    const sent = p.amount_sent_msat ?? p.amount_msat;
    return { status: 'succeeded', paymentHash: p.payment_hash, preimage, amountMsat: p.amount_msat, feeMsat: sent > p.amount_msat ? sent - p.amount_msat : 0n };
  }
  if (p.status === 'failed') return { status: 'failed', paymentHash: p.payment_hash, reason };
  return { status: 'pending', paymentHash: p.payment_hash };
}

/**
 * listpays may hold several attempts for a hash: one complete wins, then one pending (money may
 * still move), and only when every attempt failed is the payment failed.
 */
export function bestOf(pays: Pay[]): Pay | null {
  return pays.find((p) => p.status === 'complete') ?? pays.find((p) => p.status === 'pending') ?? pays[0] ?? null;
}
