// Pure translations of NIP-47 transactions into the WalletBackend's types.
import type { IncomingInvoice, PaymentOutcome } from '../backend.js';
import type { Transaction } from './responses.js';

/** settled, or (wallets without `state`) a settled_at */
const isSettled = (t: Transaction): boolean => t.state === 'settled' || (t.state === undefined && t.settled_at != null);

export function toIncomingInvoice(t: Transaction, nowSeconds: number, knownExternalId: string | null): IncomingInvoice {
  const isPaid = isSettled(t);
  const expiresAt = t.expires_at ?? 0;
  const external = t.metadata?.['external_id'];
  return {
    paymentHash: t.payment_hash,
    bolt11: t.invoice ?? '',
    isPaid,
    ...(t.state === 'accepted' ? { isHeld: true } : {}),
    isExpired: !isPaid && (t.state === 'expired' || t.state === 'failed' || (expiresAt > 0 && nowSeconds > expiresAt)),
    receivedMsat: isPaid ? t.amount : 0n,
    requestedMsat: t.amount > 0n ? t.amount : null,
    externalId: typeof external === 'string' ? external : knownExternalId,
    expiresAt,
    completedAt: isPaid ? (t.settled_at ?? null) : null,
  };
}

/** settled with a preimage → succeeded; failed/expired → failed; anything else is not known yet. */
export function toOutcome(t: Transaction): PaymentOutcome {
  if (isSettled(t) && t.preimage && /^[0-9a-fA-F]{64}$/.test(t.preimage)) {
    return { status: 'succeeded', paymentHash: t.payment_hash, preimage: t.preimage.toLowerCase(), amountMsat: t.amount, feeMsat: t.fees_paid ?? 0n };
  }
  if (t.state === 'failed' || t.state === 'expired') return { status: 'failed', paymentHash: t.payment_hash, reason: `wallet: payment ${t.state}` };
  return { status: 'pending', paymentHash: t.payment_hash };
}
