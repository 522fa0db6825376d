// The strict schemas of the server's error bodies (contract/errors.ts has the codes). Apart from
// errors.ts so that the web app, which imports the codes as values, never bundles zod.
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from './errors.js';

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The JSON body of every non-2xx answer the server itself makes. */
export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    field: z.string().optional().describe('the request field at fault'),
    balance_sats: z.int().optional().describe('insufficient_balance: what the balance holds'),
    price_sats: z.int().optional().describe('insufficient_balance: what the action costs'),
    limit: z.enum(['daily_cap']).optional().describe('insufficient_balance: refused by a child token\'s daily cap (balance_sats: what it may still spend today), which a top-up does not lift'),
    held_sats: z.int().optional().describe('insufficient_balance on a paid call: what the token\'s (or the invoice credential\'s) calls still running hold, which comes back as they end (less what they cost)'),
    max_amount_sats: z.int().optional().describe('insufficient_balance on a withdrawal (collect): the largest invoice amount the balance can pay with its routing-fee reserve'),
  }),
});

/** An invoice to pay, beside `error`: an MPP session's deposit (POST /api/v1/mpp/session, its Payment line alone). */
export const SessionDepositRequiredSchema = ErrorBodySchema.extend({
  invoice: z.string().describe('BOLT11 invoice to pay'),
  payment_hash: z.string().regex(/^[0-9a-f]{64}$/),
  amount_sats: z.int(),
  expires_at: z.int().describe('Unix seconds'),
});

/** A 402 challenge: what a client must act on sits beside `error`, the invoice's L402 macaroon too. */
export const PaymentRequiredSchema = SessionDepositRequiredSchema.extend({
  macaroon: z.string().describe('standard base64 V2 macaroon'),
  token: z.string().optional().describe('AI for Hire: a new 0-balance token for the caller'),
});

/** A paid action's 402: an invoice to pay (its challenge), or a token's or session's balance too short (an error alone). */
export const PaidRefusalSchema = z.union([PaymentRequiredSchema, ErrorBodySchema]);

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type PaymentRequired = z.infer<typeof PaymentRequiredSchema>;
