// NIP-47 response and notification bodies: amounts in msat, times in Unix seconds, an error
// {code, message} or a result. Wallets differ in what they fill in: most fields are optional.
import { z } from 'zod';

const msat = z.number().int().nonnegative().transform((n) => BigInt(n));
const hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase());
const seconds = z.number().int().nonnegative();

export const responseSchema = z.object({
  result_type: z.string(),
  error: z.object({ code: z.string(), message: z.string().optional().default('') }).nullish(),
  result: z.unknown().nullish(),
});

export const transactionSchema = z.object({
  type: z.enum(['incoming', 'outgoing']).optional(),
  state: z.enum(['pending', 'settled', 'expired', 'failed', 'accepted']).optional(),
  invoice: z.string().optional(),
  description: z.string().nullish(),
  preimage: z.string().nullish(),
  payment_hash: hex32,
  amount: msat,
  fees_paid: msat.nullish(),
  created_at: seconds.optional(),
  expires_at: seconds.nullish(),
  settled_at: seconds.nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const payResultSchema = z.object({ preimage: hex32, fees_paid: msat.nullish() });

export const infoResultSchema = z.object({ pubkey: z.string().regex(/^0[23][0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase()).optional() });

export const notificationSchema = z.object({ notification_type: z.string(), notification: z.unknown() });

export type Transaction = z.output<typeof transactionSchema>;

/** NIP-47 error codes meaning the wallet refused a payment before sending anything (or it failed for certain). */
export const DEFINITE_PAY_FAILURES = new Set(['PAYMENT_FAILED', 'INSUFFICIENT_BALANCE', 'QUOTA_EXCEEDED', 'RESTRICTED', 'UNAUTHORIZED', 'NOT_IMPLEMENTED', 'RATE_LIMITED', 'UNSUPPORTED_ENCRYPTION']);

export function parseAs<T extends z.ZodType>(schema: T, value: unknown): z.output<T> | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
