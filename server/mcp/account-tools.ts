// The token's own account as tools: its balance, one paid call's receipt, and a refill invoice.
import { z } from 'zod';
import { topupRequestSchema } from '../../contract/api.js';
import type { Ledger } from '../ledger/index.js';
import { parseWith } from '../http/parse-with.js';
import { callUsage } from '../payments/usage.js';
import type { TopupService } from '../topup/service.js';
import { answer, freePrice, needToken, type JsonSchemaObject, type McpTool, type ToolContext } from './tool.js';

export interface AccountToolDeps {
  ledger: Ledger;
  topups: TopupService;
  topupLimits: { minSats: number; maxSats: number };
}

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
  ];
}
