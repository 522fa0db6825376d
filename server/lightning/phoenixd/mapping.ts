// Pure translations of phoenixd's answers into the WalletBackend's msat types.
import type { IncomingInvoice, PaymentOutcome } from '../backend.js';
import { msToUnixSeconds, satsFromJson } from '../amounts.js';
import { tryDecodeBolt11, type DecodedInvoice } from '../bolt11.js';
import type { PhoenixdAnswer } from './http.js';
import {
  parseAnswer,
  paymentFailedSchema,
  paymentSentSchema,
  type incomingPaymentSchema,
  type outgoingPaymentSchema,
} from './responses.js';
import type { z } from 'zod';

type IncomingPayment = z.output<typeof incomingPaymentSchema>;
type OutgoingPayment = z.output<typeof outgoingPaymentSchema>;

/** null when phoenixd's record carries no expiry and its invoice does not decode. nowSeconds: for a phoenixd that does not say isExpired (before 0.6.1). */
export function toIncomingInvoice(p: IncomingPayment, nowSeconds: number): IncomingInvoice | null {
  const bolt11 = p.invoice ?? '';
  const expiresAt = p.expiresAt != null ? msToUnixSeconds(p.expiresAt) : tryDecodeBolt11(bolt11)?.expiresAt;
  if (expiresAt === undefined) return null;
  return {
    paymentHash: p.paymentHash,
    bolt11,
    isPaid: p.isPaid, // the only paid signal: `preimage` is there before payment too
    isExpired: p.isExpired ?? (!p.isPaid && nowSeconds >= expiresAt),
    receivedMsat: satsFromJson(p.receivedSat),
    requestedMsat: p.requestedSat != null ? satsFromJson(p.requestedSat) : null,
    externalId: p.externalId ?? null,
    expiresAt,
    completedAt: p.isPaid && p.completedAt != null ? msToUnixSeconds(p.completedAt) : null,
  };
}

/**
 * The outcome of an HTTP answer to POST /payinvoice. Only two answers are definite failures:
 * a 200 with `reason` (phoenixd's PaymentFailed) and a 4xx (the request was refused before any
 * payment started). Everything else — 5xx, a body that is neither shape — is `pending`.
 */
export function payAnswerToOutcome(
  answer: PhoenixdAnswer,
  invoice: DecodedInvoice | null,
  overrideMsat: bigint | undefined,
): PaymentOutcome {
  const knownHash = invoice?.paymentHash ?? null;
  if (answer.status === 200) {
    const sent = parseAnswer(paymentSentSchema, answer.text);
    if (sent) {
      return {
        status: 'succeeded',
        paymentHash: sent.paymentHash,
        preimage: sent.paymentPreimage,
        // phoenixd rounds recipientAmountSat down; the invoice or the override is exact
        amountMsat: overrideMsat ?? invoice?.amountMsat ?? satsFromJson(sent.recipientAmountSat),
        feeMsat: satsFromJson(sent.routingFeeSat),
      };
    }
    const failed = parseAnswer(paymentFailedSchema, answer.text);
    if (failed) return { status: 'failed', paymentHash: failed.paymentHash ?? knownHash, reason: failed.reason };
    return { status: 'pending', paymentHash: knownHash };
  }
  if (answer.status >= 400 && answer.status < 500) {
    return { status: 'failed', paymentHash: knownHash, reason: `phoenixd refused the payment (HTTP ${answer.status}): ${clip(answer.text)}` };
  }
  return { status: 'pending', paymentHash: knownHash };
}

/** An outgoing payment record: isPaid → succeeded, completed but unpaid → failed, else pending. */
export function outgoingToOutcome(p: OutgoingPayment, requestedHash: string): PaymentOutcome {
  const paymentHash = p.paymentHash ?? requestedHash;
  if (p.isPaid) {
    // A success without its proof cannot be trusted as one; it stays unresolved.
    if (!p.preimage) return { status: 'pending', paymentHash };
    const feeMsat = BigInt(p.fees);
    const invoiceMsat = p.invoice ? tryDecodeBolt11(p.invoice)?.amountMsat : null;
    // `sent` is rounded down to sats and includes the fee, so the invoice amount is preferred.
    const fromSent = satsFromJson(p.sent) - feeMsat;
    return {
      status: 'succeeded',
      paymentHash,
      preimage: p.preimage,
      amountMsat: invoiceMsat ?? (fromSent > 0n ? fromSent : 0n),
      feeMsat,
    };
  }
  if (p.completedAt != null) {
    return { status: 'failed', paymentHash, reason: 'payment failed (phoenixd keeps no reason for it)' };
  }
  return { status: 'pending', paymentHash };
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
