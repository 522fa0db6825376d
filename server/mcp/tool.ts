// One MCP tool: its listing (name, JSON Schema, price) and what a call runs. Results and errors
// take one shape for every tool: the answer as structured content (and as its JSON text), an
// error as the contract's error body with isError set.
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { msatToSats, msatToSatsUp } from '../../contract/money.js';
import { AppError } from '../errors.js';
import { errorBody, errorStatus, toAppError } from '../http/errors.js';
import { balanceIsLow, type Receipt } from '../payments/types.js';

/** Where a tool's price is read by machines: the tool's `_meta` under this key. */
export const PRICE_META_KEY = 'alittlebitofmoney/price';

/** What a tool costs: free, a whole price, or one per model (flat sats or a metered price). */
export interface ToolPrice {
  free: boolean;
  /** the whole price, as the description shows it */
  summary: string;
  /** a few words, as the annotations' title shows it (the summary when left out) */
  short?: string;
  /** a flat price per call */
  sats?: number;
  /** the most one call can be charged (metered: the largest call's reservation) */
  max_sats?: number;
  /** per model: sats per call, or a metered price with its most per call */
  models?: Record<string, unknown>;
}

export type JsonSchemaObject = Tool['inputSchema'];

/** Who is calling: the token of the MCP request (null without one) and the client address. */
export interface ToolContext {
  token: string | null;
  client: string;
  /** aborted when the MCP request is cancelled or its connection closed */
  signal: AbortSignal;
}

export interface McpTool {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchemaObject;
  readOnly: boolean;
  price: ToolPrice;
  /** true: refused without a token (missing_token) before anything runs */
  needsToken: boolean;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<CallToolResult>;
}

/** The listing of a tool, as tools/list answers it. */
export function listing(tool: McpTool): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: `${tool.description}\nPrice: ${tool.price.summary}`,
    inputSchema: tool.inputSchema,
    annotations: {
      title: `${tool.title} (${tool.price.short ?? tool.price.summary})`,
      readOnlyHint: tool.readOnly,
      destructiveHint: false,
      idempotentHint: tool.readOnly,
      openWorldHint: true,
    },
    _meta: { [PRICE_META_KEY]: tool.price },
  };
}

export const freePrice = (summary = 'free'): ToolPrice => ({ free: true, summary });
export const flatPrice = (sats: number, what = 'per call'): ToolPrice => (sats === 0 ? freePrice() : { free: false, sats, max_sats: sats, summary: `${sats} sats ${what}` });

/** A successful answer: the structured content, and its JSON as text for clients that read only text. */
export function answer(structured: Record<string, unknown>, extra: CallToolResult['content'] = []): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }, ...extra], structuredContent: structured };
}

/** A receipt as the HTTP API's headers say it (X-Charged-Msats, X-Charged-Sats, X-Balance-Sats, X-Balance-Low). */
export function receiptJson(r: Receipt): Record<string, unknown> {
  return {
    kind: r.kind,
    ...(r.requestId ? { request_id: r.requestId } : {}),
    charged_msat: r.chargedMsat === null ? null : Number(r.chargedMsat),
    charged_sats: r.chargedMsat === null ? null : msatToSatsUp(r.chargedMsat),
    ...(r.maxChargeMsat !== undefined ? { max_charge_sats: msatToSatsUp(r.maxChargeMsat) } : {}),
    balance_sats: r.balanceMsat === null ? null : msatToSats(r.balanceMsat),
    ...(balanceIsLow(r) ? { balance_low: true } : {}),
  };
}

export interface ErrorHints {
  /** the smallest top-up the server accepts, for the advice of insufficient_balance */
  minTopupSats: number;
}

/** An error as a tool result: the contract's body (code, message, details) with the HTTP status it would have. */
export function toolError(err: AppError, hints: ErrorHints): CallToolResult {
  const body: Record<string, unknown> = { ...errorBody(err), http_status: errorStatus(err) };
  if (err.details.limit === 'daily_cap') {
    body.daily_cap = { how: 'What this child token\'s daily cap leaves for today (balance_sats) is less than this call may cost (price_sats). A metered call costs at most its ceiling, which a smaller max_tokens (max_output_tokens) lowers; else retry after midnight UTC, when the cap starts again, or ask its parent for a larger cap. A top-up does not lift it.' };
  } else if (err.details.max_amount_sats !== undefined) {
    // a withdrawal larger than the balance can pay with its reserve: a smaller invoice helps, not a top-up
    body.withdraw = { max_amount_sats: err.details.max_amount_sats, how: 'Make an invoice of at most max_amount_sats and collect it.' };
  } else if (err.code === 'insufficient_balance' && err.details.price_sats !== undefined && err.details.balance_sats !== undefined) {
    const amount = Math.max(hints.minTopupSats, err.details.price_sats - err.details.balance_sats);
    body.top_up = {
      amount_sats: amount,
      how:
        `POST /api/v1/topup with {"amount_sats": ${amount}} and this token (Authorization: Bearer abl_… or X-Token), pay the invoice, then retry; or call the topup tool.` +
        (err.details.held_sats ? ` Or wait: ${err.details.held_sats} sats held by this token's calls still running come back as they end, less what they cost.` : ''),
    };
  }
  if (err.code === 'missing_token') body.how = 'Send Authorization: Bearer abl_… with the MCP requests; buy a token with POST /api/v1/topup and /api/v1/topup/claim.';
  if (err.data.retryAfterSeconds !== undefined) body.retry_after_seconds = Math.max(1, Math.ceil(err.data.retryAfterSeconds));
  return { content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body, isError: true };
}

/** Any thrown value as an AppError; an unknown one is internal_error (and is the caller's to log). */
export function asAppError(err: unknown): { error: AppError; known: boolean } {
  const known = toAppError(err);
  return known ? { error: known, known: true } : { error: new AppError('internal_error', 'Something broke on our side; nothing was charged. Please retry.'), known: false };
}

export function needToken(ctx: ToolContext): string {
  if (ctx.token === null) throw new AppError('missing_token', 'This tool acts for a token: send Authorization: Bearer abl_… with the MCP requests.');
  return ctx.token;
}
