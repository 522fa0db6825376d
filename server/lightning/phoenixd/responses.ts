// phoenixd's JSON answers, as its ApiType serializers write them (phoenixd json/JsonSerializers.kt):
// Satoshi and MilliSatoshi are plain numbers, byte vectors lower-case hex, times epoch ms, and null
// fields are left out (explicitNulls = false).
import { z } from 'zod';

const hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase());
const count = z.number().int().nonnegative().refine(Number.isSafeInteger);
const epochMs = z.number().int().nonnegative();

export const generatedInvoiceSchema = z.object({
  amountSat: count.nullish(),
  paymentHash: hex32,
  serialized: z.string().min(1),
});

export const incomingPaymentSchema = z.object({
  paymentHash: hex32,
  /** present even before payment: never a proof of payment */
  preimage: hex32.nullish(),
  externalId: z.string().nullish(),
  description: z.string().nullish(),
  invoice: z.string().nullish(),
  isPaid: z.boolean(),
  /** since phoenixd 0.6.1 (with requestedSat and expiresAt); before, the expiry is the invoice's */
  isExpired: z.boolean().nullish(),
  requestedSat: count.nullish(),
  receivedSat: count,
  /** msat */
  fees: count.nullish(),
  expiresAt: epochMs.nullish(),
  completedAt: epochMs.nullish(),
  createdAt: epochMs,
});

/** POST /payinvoice when the payment went through (ApiType.PaymentSent). */
export const paymentSentSchema = z.object({
  recipientAmountSat: count,
  routingFeeSat: count,
  paymentId: z.string(),
  paymentHash: hex32,
  paymentPreimage: hex32,
});

/** POST /payinvoice when it definitely did not (ApiType.PaymentFailed), still HTTP 200. */
export const paymentFailedSchema = z.object({
  paymentHash: hex32.nullish(),
  reason: z.string(),
});

/**
 * GET /payments/outgoingbyhash (ApiType.OutgoingPayment). There is no status field: `isPaid` is
 * Succeeded, `completedAt` without `isPaid` is Failed, neither is Pending. `sent` is sats and
 * includes the fees; `fees` is msat. phoenixd answers with the best of several attempts
 * (succeeded, then pending, then failed).
 */
export const outgoingPaymentSchema = z.object({
  paymentId: z.string(),
  paymentHash: hex32.nullish(),
  preimage: hex32.nullish(),
  isPaid: z.boolean(),
  sent: count,
  fees: count,
  invoice: z.string().nullish(),
  completedAt: epochMs.nullish(),
  createdAt: epochMs,
});

export const nodeInfoSchema = z.object({
  nodeId: z.string().regex(/^0[23][0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase()),
  chain: z.string().optional(),
});

/** JSON.parse + schema; null when the text is not JSON of that shape. */
export function parseAnswer<T extends z.ZodType>(schema: T, text: string): z.output<T> | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
