// Request and response bodies of the server's own endpoints: the routes validate with these
// schemas, the OpenAPI document is generated from them, the web client takes their types.
import { z } from 'zod';

const hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/);
const unixSeconds = z.int().describe('Unix seconds');

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    balance_sats: z.int().optional(),
    price_sats: z.int().optional(),
  }),
});

export const PaymentRequiredSchema = ErrorBodySchema.extend({
  invoice: z.string().describe('BOLT11 invoice to pay'),
  payment_hash: hex64,
  amount_sats: z.int(),
  macaroon: z.string().describe('standard base64 V2 macaroon'),
  expires_at: unixSeconds,
  token: z.string().optional().describe('AI for Hire: a new 0-balance token for the caller'),
});

export const HealthSchema = z.object({
  status: z.literal('ok'),
  wallet: z.enum(['devnode', 'phoenixd']),
  store: z.enum(['pglite', 'postgres']),
  version: z.string(),
});

/** Bounds come from config.yaml's topup section. */
export const topupRequestSchema = (minSats: number, maxSats: number) =>
  z.object({
    amount_sats: z.int().min(minSats).max(maxSats).describe('whole sats'),
    claim_secret_only: z
      .boolean()
      .optional()
      .describe('new token only: its token goes only to the holder of the answer\'s claim_secret; a preimage claim credits it without showing it'),
  });

export const TopupCreatedSchema = z.object({ invoice: z.string(), payment_hash: hex64, amount_sats: z.int(), expires_at: unixSeconds });

export const ClaimRequestSchema = z.object({
  preimage: z.string().optional().describe('64 hex characters; required unless claim_secret is sent'),
  payment_hash: z.string().optional().describe('with claim_secret: the invoice to redeem (64 hex characters)'),
  claim_secret: z
    .string()
    .optional()
    .describe('the claim_secret a new-token top-up answered: redeems its token once paid, without the preimage, as often as asked'),
});

export const ClaimResponseSchema = z.object({
  token: z.string().optional().describe('present for a new token, or when the request carried the refilled token'),
  balance_sats: z.int().optional().describe('present with token: a refill claimed without its token answers credited_sats only'),
  credited_sats: z.int(),
});

export const TopupStatusSchema = z.object({
  status: z.enum(['pending', 'paid', 'expired']),
  payment_hash: hex64,
  amount_sats: z.int(),
  expires_at: unixSeconds,
  refill: z.boolean(),
  credited: z.boolean(),
  claimed: z.boolean(),
});

export const BalanceSchema = z.object({ balance_sats: z.int(), balance_msat: z.int() });

export const DevPayRequestSchema = z.object({ invoice: z.string().describe('BOLT11 invoice issued by this development node') });

export type Health = z.infer<typeof HealthSchema>;
export type TopupCreated = z.infer<typeof TopupCreatedSchema>;
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;
export type TopupStatusBody = z.infer<typeof TopupStatusSchema>;
export type Balance = z.infer<typeof BalanceSchema>;
export type PaymentRequired = z.infer<typeof PaymentRequiredSchema>;
