// The development node's records in phoenixd's JSON shapes (phoenixd json/JsonSerializers.kt):
// sats as numbers, `fees` in msat, times in epoch ms, and null fields left out.
import type { IncomingRecord, OutgoingRecord } from './state.js';

const sats = (msat: bigint): number => Number(msat / 1000n); // phoenixd truncates to whole sats

export function incomingView(record: IncomingRecord, isExpired: boolean): Record<string, unknown> {
  return withoutNulls({
    type: 'incoming_payment',
    subType: 'lightning',
    paymentHash: record.paymentHash,
    preimage: record.preimage, // phoenixd shows it before payment too; only isPaid means paid
    externalId: record.externalId,
    description: record.description,
    invoice: record.bolt11,
    isPaid: record.completedAtMs !== null,
    isExpired,
    requestedSat: record.amountMsat === null ? null : sats(record.amountMsat),
    receivedSat: sats(record.receivedMsat),
    fees: 0,
    expiresAt: record.expiresAtMs,
    completedAt: record.completedAtMs,
    createdAt: record.createdAtMs,
  });
}

export function outgoingView(record: OutgoingRecord): Record<string, unknown> {
  return withoutNulls({
    type: 'outgoing_payment',
    subType: 'lightning',
    paymentId: record.paymentId,
    paymentHash: record.paymentHash,
    preimage: record.status === 'succeeded' ? record.preimage : null,
    isPaid: record.status === 'succeeded',
    sent: sats(record.amountMsat + record.feeMsat),
    fees: Number(record.feeMsat),
    invoice: record.bolt11,
    completedAt: record.completedAtMs,
    createdAt: record.createdAtMs,
  });
}

export function paymentSentView(record: OutgoingRecord): Record<string, unknown> {
  return {
    recipientAmountSat: sats(record.amountMsat),
    routingFeeSat: sats(record.feeMsat),
    paymentId: record.paymentId,
    paymentHash: record.paymentHash,
    paymentPreimage: record.preimage,
  };
}

/** phoenixd's webhook body, pretty-printed as its Kotlin client sends it (nulls included). */
export function paymentReceivedWebhook(record: IncomingRecord, timestampMs: number): string {
  const event = {
    type: 'payment_received',
    timestamp: timestampMs,
    amountSat: sats(record.receivedMsat),
    paymentHash: record.paymentHash,
    externalId: record.externalId,
    payerNote: null,
    payerKey: null,
  };
  return JSON.stringify(event, null, 4);
}

function withoutNulls(view: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== null));
}
