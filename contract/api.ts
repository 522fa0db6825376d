// Request and response bodies of the server's core endpoints (health, top-up, balance, dev pay):
// the routes validate with the request schemas, the OpenAPI document is generated from both, the
// web client takes their types. Answers are strict: a test parses every real one with them.
import { z } from 'zod';
import { UPSTREAM_STATUSES } from './catalog.js';

const hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/);
const unixSeconds = z.int().describe('Unix seconds');
/** The latest time a query takes: 9999-12-31. */
export const UNIX_SECONDS_MAX = 253_402_300_799;

export const HealthSchema = z.strictObject({
  status: z.literal('ok'),
  wallet: z.enum(['devnode', 'phoenixd', 'lnd', 'cln', 'nwc']).describe('the wallet backend; devnode: the built-in development node, no real money'),
  store: z.enum(['pglite', 'postgres']),
  version: z.string(),
  upstreams: z.record(z.string(), z.enum(UPSTREAM_STATUSES)).describe('per API: its real upstream, the development-mode demo, or none (503)'),
  wallet_reachable: z
    .boolean()
    .optional()
    .describe("whether the wallet's node answered its last check (getinfo, at most 15 s old when health is polled): while false, top-ups and 402 challenges answer 503 topup_unavailable; absent before the first check ends"),
  fiat: z
    .strictObject({ currency: z.string().regex(/^[A-Z]{3}$/), per_btc: z.number().positive() })
    .optional()
    .describe("the operator's rate (ABL_FIAT_RATE) for a rough fiat hint beside sats; absent when not set"),
});

/** Bounds come from config.yaml's topup section. */
export const topupRequestSchema = (minSats: number, maxSats: number) =>
  z.object({
    amount_sats: z.number().min(minSats).max(maxSats).int().describe('whole sats'), // the range first: 1e300 is told the configured limit, not a safe integer's
    claim_secret_only: z
      .boolean()
      .optional()
      .describe('new token only: its token goes only to the holder of the answer\'s claim_secret; a preimage claim credits it without showing it'),
  });

export const TopupCreatedSchema = z.strictObject({
  invoice: z.string(),
  payment_hash: hex64,
  amount_sats: z.int(),
  expires_at: unixSeconds,
  claim_secret: z.string().optional().describe('new tokens only, shown once: with payment_hash it redeems the token once paid, without the preimage'),
});

export const ClaimRequestSchema = z.object({
  preimage: z.string().optional().describe('64 hex characters; required unless claim_secret is sent'),
  payment_hash: z.string().optional().describe('with claim_secret: the invoice to redeem (64 hex characters)'),
  claim_secret: z
    .string()
    .optional()
    .describe('the claim_secret a new-token top-up answered: redeems its token once paid, without the preimage, as often as asked'),
});

export const ClaimResponseSchema = z.strictObject({
  token: z.string().optional().describe('present for a new token, or when the request carried the refilled token'),
  balance_sats: z.int().optional().describe('present with token: a refill claimed without its token answers credited_sats only'),
  credited_sats: z.int(),
});

export const TopupStatusSchema = z.strictObject({
  status: z.enum(['pending', 'paid', 'expired']),
  payment_hash: hex64,
  amount_sats: z.int(),
  expires_at: unixSeconds,
  refill: z.boolean().describe('the invoice refills an existing token'),
  credited: z.boolean(),
  claimed: z.boolean(),
});

export const BalanceSchema = z.strictObject({ balance_sats: z.int(), balance_msat: z.int() });

export const DevPayRequestSchema = z.object({ invoice: z.string().describe('BOLT11 invoice issued by this development node') });

export const DevPayResponseSchema = z.strictObject({ preimage: hex64 });

/** POST /api/v1/dev/invoice (development mode only): an invoice of the development payee wallet. */
export const DevInvoiceRequestSchema = z.object({
  amount_sats: z.number().min(1).max(100_000_000).int().optional().describe('what the invoice asks for; left out, an invoice of no amount, payable for 31 days (an MPP session\'s return invoice)'),
  description: z.string().max(128).optional(),
});

/** The development payee wallet's invoice: "someone else's wallet" that the server's development node can pay. */
export const DevInvoiceSchema = z.strictObject({
  invoice: z.string().describe('BOLT11 invoice of the development payee wallet: paste it into a withdrawal'),
  payment_hash: hex64,
  amount_sats: z.int().describe('0: an invoice of no amount'),
  expires_at: unixSeconds,
  paid: z.boolean(),
  payee_balance_sats: z.int().describe("the development payee wallet's balance"),
});

/** POST /webhooks/phoenixd, once the signature checked out. */
export const WebhookAckSchema = z.strictObject({ received: z.literal(true) });

export type Health = z.infer<typeof HealthSchema>;
export type TopupCreated = z.infer<typeof TopupCreatedSchema>;
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;
export type TopupStatusBody = z.infer<typeof TopupStatusSchema>;
export type Balance = z.infer<typeof BalanceSchema>;
export type DevPayResponse = z.infer<typeof DevPayResponseSchema>;
export type DevInvoice = z.infer<typeof DevInvoiceSchema>;

/** GET /api/v1/usage/{request_id}: one settled paid call, for the token or credential that paid it. */
export const CallUsageSchema = z.strictObject({
  request_id: z.string(),
  kind: z.literal('call'),
  created_at: z.int().describe('Unix seconds'),
  api: z.string(),
  endpoint: z.string().describe('"<METHOD> <public path>"'),
  model: z.string().nullable(),
  status: z.literal('settled'),
  charged_msat: z.int(),
  charged_sats: z.int().describe('charged_msat / 1000, rounded up'),
  max_charge_msat: z.int().describe('what was reserved: the call\'s price, or a metered call\'s ceiling'),
  amount_msat: z.int().describe('the balance change: minus charged_msat'),
  usage: z
    .strictObject({
      input_tokens: z.int(),
      cached_input_tokens: z.int(),
      cache_write_tokens: z.int(),
      output_tokens: z.int(),
      estimated: z.boolean().describe('true when the upstream reported no usage and it was estimated'),
    })
    .nullable(),
});
export type CallUsage = z.infer<typeof CallUsageSchema>;

/** One row of GET /api/v1/usage: a balance change, newest first. */
export const UsageRowSchema = z.strictObject({
  kind: z.enum(['call', 'topup', 'hire_fee', 'escrow', 'escrow_release', 'escrow_refund', 'payout', 'payout_refund', 'child_token', 'adjustment', 'carried_forward', 'other']),
  created_at: unixSeconds,
  amount_msat: z.int().describe('the balance change, signed: credits positive'),
  balance_after_msat: z.int(),
  ref: z.string().nullable().describe('the task, payout, invoice or reservation it concerns'),
  request_id: z.string().nullable().optional().describe('calls: the X-Request-Id of the answer'),
  api: z.string().nullable().optional(),
  endpoint: z.string().nullable().optional(),
  model: z.string().nullable().optional(),
  charged_msat: z.int().optional().describe('calls: what was charged (0 while pending or when released)'),
  status: z.enum(['pending', 'settled', 'released']).optional().describe('calls only'),
});
export type UsageRow = z.infer<typeof UsageRowSchema>;

export const UsagePageSchema = z.strictObject({
  data: z.array(UsageRowSchema),
  next_cursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
});
export type UsagePage = z.infer<typeof UsagePageSchema>;

export const DailyUsageSchema = z.strictObject({
  days: z.array(
    z.strictObject({
      date: z.string().describe('YYYY-MM-DD, UTC'),
      spent_msat: z.int(),
      credited_msat: z.int(),
      by_api: z.record(z.string(), z.int()).describe('settled calls per API'),
    }),
  ),
});
export type DailyUsage = z.infer<typeof DailyUsageSchema>;

/** POST /api/v1/tokens: a child token, paid from the parent's balance. */
export const CreateChildTokenSchema = z.object({
  amount_sats: z.number().min(1).max(2_100_000_000_000_000).int().describe('moved from the parent to the child'),
  expires_at: unixSeconds.min(1).max(UNIX_SECONDS_MAX).nullish().describe('from then on the child token is 401 invalid_token (at most the end of year 9999); null or absent: never'),
  max_sats_per_day: z.number().min(1).max(2_100_000_000_000_000).int().nullish().describe('charged plus reserved per UTC day; null or absent: no cap'),
  apis: z.array(z.string().min(1).max(64)).min(1).max(32).nullish().describe('the APIs it may spend on: catalog names and "ai-for-hire"; null or absent: all'),
});

export const ChildTokenSchema = z.strictObject({
  id: z.string(),
  balance_sats: z.int(),
  balance_msat: z.int(),
  expires_at: unixSeconds.nullable(),
  max_sats_per_day: z.int().nullable(),
  apis: z.array(z.string()).nullable(),
  spent_today_sats: z.int().describe('charged and reserved today (UTC), rounded up to whole sats'),
  spent_today_msat: z.int().describe('the same to the millisatoshi'),
  revoked: z.boolean(),
  created_at: unixSeconds,
});
export type ChildToken = z.infer<typeof ChildTokenSchema>;

export const ChildTokenCreatedSchema = ChildTokenSchema.extend({
  token: z.string().describe('the child token, shown once'),
  amount_sats: z.int(),
});
export type ChildTokenCreated = z.infer<typeof ChildTokenCreatedSchema>;

export const ChildTokenListSchema = z.strictObject({ data: z.array(ChildTokenSchema) });
export type ChildTokenList = z.infer<typeof ChildTokenListSchema>;

export const ChildTokenRevokedSchema = z.strictObject({ id: z.string(), revoked: z.literal(true), returned_sats: z.int(), returned_msat: z.int() });
export type ChildTokenRevoked = z.infer<typeof ChildTokenRevokedSchema>;

/** PUT /api/v1/balance/alert: paid answers carry `X-Balance-Low: true` once the balance is below this. */
export const BalanceAlertSchema = z.strictObject({
  below_sats: z.number().min(1).max(2_100_000_000_000_000).int().nullable().describe('null clears the alert'),
});
export type BalanceAlert = z.infer<typeof BalanceAlertSchema>;
