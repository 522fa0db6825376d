// phoenixd's `payment_received` webhook: X-Phoenix-Signature is the hex HMAC-SHA256 of the raw
// body, keyed with the webhook secret's UTF-8 bytes (phoenixd Api.kt, `hmacSha256`).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PaymentReceivedEvent } from './backend.js';
import { satsFromJson } from './amounts.js';

export const SIGNATURE_HEADER = 'x-phoenix-signature';

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The hex signature phoenixd puts in X-Phoenix-Signature for this body. */
export function signWebhook(body: Buffer | string, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}

/** True only for a well-formed signature of exactly this body under this secret. */
export function isValidWebhookSignature(
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secret: string | undefined,
): boolean {
  if (!secret || !signatureHeader) return false;
  const candidate = signatureHeader.trim();
  // Buffer.from(hex) silently drops bad digits, so the shape is checked before decoding.
  if (!HEX_SHA256.test(candidate)) return false;
  const expected = Buffer.from(signWebhook(rawBody, secret), 'hex');
  const given = Buffer.from(candidate, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const paymentReceivedSchema = z.object({
  type: z.literal('payment_received'),
  timestamp: z.number().optional(),
  amountSat: z.number().int().nonnegative(),
  paymentHash: z.string().regex(HEX_SHA256),
  externalId: z.string().nullish(),
  payerNote: z.string().nullish(),
  payerKey: z.string().nullish(),
});

/** Parses a webhook body already known to be authentic; null for other events or junk. */
export function parsePaymentReceived(rawBody: Buffer): PaymentReceivedEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = paymentReceivedSchema.safeParse(json);
  if (!parsed.success || !Number.isSafeInteger(parsed.data.amountSat)) return null;
  return {
    paymentHash: parsed.data.paymentHash.toLowerCase(),
    amountMsat: satsFromJson(parsed.data.amountSat),
    externalId: parsed.data.externalId ?? null,
  };
}

/** The verified `payment_received` event, or null (no secret, bad signature, other event). */
export function verifyPhoenixdWebhook(
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secret: string | undefined,
): PaymentReceivedEvent | null {
  if (!isValidWebhookSignature(rawBody, signatureHeader, secret)) return null;
  return parsePaymentReceived(rawBody);
}
