// The token's own account as tools: its balance, its history, one paid call's receipt, a refill
// invoice, child tokens and the low-balance alert — the same services as the routes.
import { z } from 'zod';
import { BalanceAlertSchema, CreateChildTokenSchema, topupRequestSchema, UNIX_SECONDS_MAX } from '../../contract/api.js';
import type { Ledger } from '../ledger/index.js';
import { parseWith } from '../http/parse-with.js';
import { usageByDay, usageHistory } from '../payments/history.js';
import type { ReserveAhead } from '../payments/reserve-ahead.js';
import { callUsage } from '../payments/usage.js';
import type { TokenService } from '../tokens/service.js';
import type { TopupService } from '../topup/service.js';
import { answer, freePrice, needToken, type JsonSchemaObject, type McpTool, type ToolContext } from './tool.js';

export interface AccountToolDeps {
  ledger: Ledger;
  topups: TopupService;
  tokens: TokenService;
  now: () => number;
  reserveAhead?: Pick<ReserveAhead, 'giveBackFor'>;
  /** signs usage_history's cursors, as the route's */
  cursorKey: Buffer;
  topupLimits: { minSats: number; maxSats: number };
}

const unixSeconds = () => z.int().min(0).max(UNIX_SECONDS_MAX).nullish();

function tool<S extends z.ZodObject>(spec: Omit<McpTool, 'inputSchema' | 'run' | 'price' | 'needsToken'> & { schema: S; run(input: z.infer<S>, ctx: ToolContext): Promise<object> }): McpTool {
  const { schema, run, ...rest } = spec;
  return {
    ...rest,
    inputSchema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject,
    price: freePrice(),
    needsToken: true,
    run: async (args, ctx) => answer((await run(parseWith(schema, args), ctx)) as Record<string, unknown>),
  };
}

export function accountTools(deps: AccountToolDeps): McpTool[] {
  const Refill = topupRequestSchema(deps.topupLimits.minSats, deps.topupLimits.maxSats).pick({ amount_sats: true });
  return [
    tool({
      name: 'balance',
      title: 'Balance',
      description: "The token's balance (GET /api/v1/balance).",
      schema: z.object({}),
      readOnly: true,
      run: (_i, ctx) => deps.topups.balance(needToken(ctx)),
    }),
    tool({
      name: 'usage',
      title: 'A paid call',
      description: "What one paid call was charged and the tokens it used, by the request_id of its receipt (GET /api/v1/usage/{request_id}); only for the token that paid it.",
      schema: z.object({ request_id: z.string().min(1).max(64) }),
      readOnly: true,
      run: (i, ctx) => callUsage(deps.ledger, { token: needToken(ctx), l402: null }, i.request_id),
    }),
    tool({
      name: 'topup',
      title: 'Refill the token',
      description: 'A Lightning invoice that credits this token once paid (POST /api/v1/topup with the token); pay it with any wallet, then check the balance tool.',
      schema: Refill,
      readOnly: false,
      run: (i, ctx) => deps.topups.create({ amountSats: i.amount_sats, token: needToken(ctx), client: ctx.client }),
    }),
    tool({
      name: 'usage_history',
      title: 'History',
      description:
        "The token's history, newest first (GET /api/v1/usage): one row per call, top-up, AI for Hire fee, escrow move and payout, with amount_msat (signed) and balance_after_msat; the next page with next_cursor.",
      schema: z.object({
        limit: z.int().min(1).max(500).nullish().describe('rows per page, 50 unless given'),
        cursor: z.string().min(1).max(200).nullish().describe('next_cursor of the page before'),
        from: unixSeconds().describe('Unix seconds, inclusive'),
        to: unixSeconds().describe('Unix seconds, inclusive'),
      }),
      readOnly: true,
      run: (i, ctx) => usageHistory(deps, needToken(ctx), { limit: i.limit ?? 50, cursor: i.cursor ?? null, from: i.from ?? null, to: i.to ?? null }),
    }),
    tool({
      name: 'usage_daily',
      title: 'Spending per day',
      description: 'Spent and credited per UTC day, and settled calls per API (GET /api/v1/usage/daily); the last 30 days unless from and to are given.',
      schema: z.object({ from: unixSeconds().describe('Unix seconds'), to: unixSeconds().describe('Unix seconds') }),
      readOnly: true,
      run: (i, ctx) => usageByDay(deps.ledger, needToken(ctx), { from: i.from ?? null, to: i.to ?? null, now: deps.now() }),
    }),
    tool({
      name: 'child_token_create',
      title: 'Make a child token',
      description:
        'A token for another agent (POST /api/v1/tokens): amount_sats moves from this token to it, with an optional expiry, daily cap and list of APIs it may spend on. The new token is shown once; revoking it returns what it has left.',
      schema: CreateChildTokenSchema,
      readOnly: false,
      run: (i, ctx) => deps.tokens.create(needToken(ctx), { amountSats: i.amount_sats, expiresAt: i.expires_at ?? null, maxSatsPerDay: i.max_sats_per_day ?? null, apis: i.apis ?? null }),
    }),
    tool({
      name: 'child_token_list',
      title: 'Child tokens',
      description: "This token's child tokens: balance, limits, spent today, revoked (GET /api/v1/tokens).",
      schema: z.object({}),
      readOnly: true,
      run: (_i, ctx) => deps.tokens.list(needToken(ctx)),
    }),
    tool({
      name: 'child_token_revoke',
      title: 'Revoke a child token',
      description: 'Revokes one of this token\'s child tokens by its id; what it has left comes back (returned_sats) (DELETE /api/v1/tokens/{id}).',
      schema: z.object({ token_id: z.string().min(1).max(100).describe('the child token\'s id, as child_token_list shows it') }),
      readOnly: false,
      run: (i, ctx) => deps.tokens.revoke(needToken(ctx), i.token_id),
    }),
    tool({
      name: 'balance_alert',
      title: 'Low-balance alert',
      description: 'Once the balance is below below_sats, paid answers say so: X-Balance-Low: true over HTTP, balance_low: true in a tool\'s receipt; null clears it (PUT /api/v1/balance/alert).',
      schema: BalanceAlertSchema,
      readOnly: false,
      run: (i, ctx) => deps.tokens.setLowBalanceAlert(needToken(ctx), i.below_sats),
    }),
  ];
}
