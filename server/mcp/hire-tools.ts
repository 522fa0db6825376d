// The AI for Hire actions as tools: the same service calls, input rules and rate limits as the
// routes (server/http/routes/hire-*.ts). Inputs are the routes' bodies plus the path's ids; the
// schemas come from contract/hire.ts, and a bad input gets the routes' error codes.
import { z } from 'zod';
import { AcceptQuoteSchema, CollectRequestSchema, editQuoteSchema, MessageBodySchema, OptionalNoteSchema, postQuoteSchema, postTaskSchema, RateTaskSchema, WebhookRequestSchema } from '../../contract/hire.js';
import { satsToMsat } from '../../contract/money.js';
import { TASK_STATUSES, type HireService } from '../hire/index.js';
import * as validate from '../hire/input-rules.js';
import { parseWith } from '../http/parse-with.js';
import { checkHireLimit, hireTokenKey, type HireLimit } from '../http/routes/hire.js';
import type { Receipt } from '../payments/types.js';
import type { RateLimiter } from '../ratelimit.js';
import { answer, flatPrice, freePrice, needToken, receiptJson, type JsonSchemaObject, type McpTool, type ToolContext, type ToolPrice } from './tool.js';

export interface HireToolDeps {
  hire: HireService;
  limiter?: RateLimiter;
}

const TaskId = z.object({ task_id: z.string().describe('the task id (a UUID)') });
const QuoteIds = TaskId.extend({ quote_id: z.string().describe('the quote id (a UUID)') });

interface Spec<S extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  schema: S;
  price: ToolPrice;
  /** how the routes rate-limit it */
  limit: HireLimit;
  readOnly?: boolean;
  /** false: works without a token (listing and reading tasks) */
  needsToken?: boolean;
  run(input: z.infer<S>, ctx: ToolContext): Promise<object>;
}

function hireTool<S extends z.ZodObject>(spec: Spec<S>, deps: HireToolDeps): McpTool {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: z.toJSONSchema(spec.schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject,
    readOnly: spec.readOnly ?? false,
    price: spec.price,
    needsToken: spec.needsToken ?? true,
    async run(args, ctx) {
      if (deps.limiter) await checkHireLimit(deps.limiter, spec.limit, ctx.client, hireTokenKey(ctx.token));
      const value = await spec.run(parseWith(spec.schema, args), ctx);
      return answer(value as Record<string, unknown>);
    },
  };
}

/** A paid posting's answer: what was made, and its receipt. */
const paidAnswer = <T extends object>(paid: { value: T; receipt: Receipt }) => ({ ...paid.value, receipt: receiptJson(paid.receipt) });

const ids = (input: { task_id: string; quote_id: string }) => ({ taskId: validate.taskId(input.task_id), quoteId: validate.quoteId(input.quote_id) });
const note = (body: string | null | undefined) => (body == null ? null : validate.text(body, 'body'));

export function hireTools(deps: HireToolDeps, fees: { postTaskSats: number; quoteSats: number }): McpTool[] {
  const { hire } = deps;
  const maxSats = hire.rules.maxPriceSats;
  const free = freePrice();
  const specs = [
    hireTool(
      {
        name: 'hire_list_tasks',
        title: 'AI for Hire: list tasks',
        description: 'Tasks on the marketplace, newest first (GET /api/v1/ai-for-hire/tasks). No token needed.',
        schema: z.object({ status: z.enum(TASK_STATUSES).nullish(), limit: z.int().min(1).max(100).nullish(), offset: z.int().min(0).max(1_000_000).nullish() }),
        price: free,
        limit: 'free',
        readOnly: true,
        needsToken: false,
        run: (i) => hire.listTasks({ status: i.status ?? null, limit: i.limit ?? 50, offset: i.offset ?? 0 }),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_get_task',
        title: 'AI for Hire: show a task',
        description: 'One task with its quotes; its buyer and its contractor see the delivery too. No token needed.',
        schema: TaskId,
        price: free,
        limit: 'free',
        readOnly: true,
        needsToken: false,
        run: (i, ctx) => hire.getTask(validate.taskId(i.task_id), ctx.token),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_post_task',
        title: 'AI for Hire: post a task',
        description:
          'Posts a task for contractors to quote on, as its buyer: one delivery (optionally with an acceptance check that releases a passing delivery at once), or milestones paid in parts. The fee goes to the marketplace.',
        schema: postTaskSchema(maxSats),
        price: flatPrice(fees.postTaskSats, 'per task posted'),
        limit: 'paid',
        run: async (i, ctx) => paidAnswer(await hire.postTask(validate.taskInput(i, maxSats), { token: needToken(ctx), l402: null }, ctx.client)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_post_quote',
        title: 'AI for Hire: quote on a task',
        description: "Offers to do an open task for a price, as a contractor (not on one's own task).",
        schema: TaskId.extend(postQuoteSchema(maxSats).shape),
        price: flatPrice(fees.quoteSats, 'per quote'),
        limit: 'paid',
        run: async (i, ctx) =>
          paidAnswer(
            await hire.postQuote(validate.taskId(i.task_id), { priceMsat: satsToMsat(i.price_sats), description: validate.text(i.description, 'description') }, { token: needToken(ctx), l402: null }, ctx.client),
          ),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_accept_quote',
        title: 'AI for Hire: accept a quote',
        description: "The buyer accepts a quote: its price moves from the buyer's balance into escrow until the work is confirmed, refunded or a dispute is resolved.",
        schema: QuoteIds.extend(AcceptQuoteSchema.shape),
        price: { free: false, summary: "the quote's price, held in escrow (no fee)" },
        limit: 'free',
        run: (i, ctx) => hire.acceptQuote(needToken(ctx), ids(i), i.expected_price_sats == null ? null : satsToMsat(i.expected_price_sats)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_edit_quote',
        title: 'AI for Hire: change a quote',
        description: 'The contractor changes the price or the description of a quote not accepted yet.',
        schema: QuoteIds.extend(editQuoteSchema(maxSats).shape),
        price: free,
        limit: 'free',
        run: (i, ctx) => hire.editQuote(needToken(ctx), ids(i), validate.quotePatch(i)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_withdraw_quote',
        title: 'AI for Hire: withdraw a quote',
        description: 'The contractor withdraws a quote not accepted yet.',
        schema: QuoteIds,
        price: free,
        limit: 'free',
        run: (i, ctx) => hire.withdrawQuote(needToken(ctx), ids(i)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_cancel_task',
        title: 'AI for Hire: cancel a task',
        description: 'The buyer cancels an open task (no quote accepted yet).',
        schema: TaskId,
        price: free,
        limit: 'free',
        run: (i, ctx) => hire.cancelTask(needToken(ctx), validate.taskId(i.task_id)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_post_message',
        title: 'AI for Hire: message on a quote',
        description: "A private message between a task's buyer and one quote's contractor.",
        schema: QuoteIds.extend(MessageBodySchema.shape),
        price: free,
        limit: 'free-post',
        run: (i, ctx) => hire.postMessage(needToken(ctx), ids(i), validate.text(i.body, 'body')),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_list_messages',
        title: 'AI for Hire: read the messages of a quote',
        description: 'The messages between the buyer and the contractor of a quote, oldest first, after an id.',
        schema: QuoteIds.extend({ after_id: z.int().min(0).nullish() }),
        price: free,
        limit: 'free',
        readOnly: true,
        run: (i, ctx) => hire.listMessages(needToken(ctx), ids(i), BigInt(i.after_id ?? 0)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_deliver',
        title: 'AI for Hire: deliver',
        description: 'The contractor of the accepted quote delivers the work (text, links).',
        schema: TaskId.extend(MessageBodySchema.shape),
        price: free,
        limit: 'free',
        run: (i, ctx) => hire.deliver(needToken(ctx), validate.taskId(i.task_id), validate.text(i.body, 'body')),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_request_revision',
        title: 'AI for Hire: request a revision',
        description: 'The buyer asks for changes to a delivery (a limited number of times).',
        schema: TaskId.extend(OptionalNoteSchema.shape),
        price: free,
        limit: 'free',
        run: (i, ctx) => hire.requestRevision(needToken(ctx), validate.taskId(i.task_id), note(i.body)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_confirm',
        title: 'AI for Hire: confirm a delivery',
        description: "The buyer confirms the delivery: the escrow goes to the contractor's balance.",
        schema: TaskId,
        price: free,
        limit: 'free',
        run: (i, ctx) => hire.confirm(needToken(ctx), validate.taskId(i.task_id)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_dispute',
        title: 'AI for Hire: dispute',
        description: 'The buyer or the contractor disputes an awarded task; an operator divides the escrow.',
        schema: TaskId.extend(OptionalNoteSchema.shape),
        price: free,
        limit: 'free',
        run: (i, ctx) => hire.dispute(needToken(ctx), validate.taskId(i.task_id), note(i.body)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_rate',
        title: 'AI for Hire: rate a closed deal',
        description: 'The buyer or the accepted contractor of an escrowed task that closed (completed, refunded, resolved) rates the other side, once: 1–5 stars and an optional comment.',
        schema: TaskId.extend(RateTaskSchema.shape),
        price: free,
        limit: 'free-post',
        run: (i, ctx) => hire.rateTask(needToken(ctx), validate.taskId(i.task_id), validate.ratingInput(i)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_profile',
        title: 'AI for Hire: a public profile',
        description: "A pseudonymous record computed from closed escrowed deals only (the profile ids shown on tasks and quotes, prf_…). No token needed.",
        schema: z.object({ profile_id: z.string().min(1).max(100).describe('the profile id (prf_…)') }),
        price: free,
        limit: 'free',
        readOnly: true,
        needsToken: false,
        run: (i) => hire.profile(i.profile_id),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_set_webhook',
        title: 'AI for Hire: set the webhook',
        description: "Every event that concerns the token (quotes, accepts, messages, deliveries, confirmations, payouts) is also POSTed to this http(s) URL, signed; replaces any earlier one and answers its signing secret, once.",
        schema: WebhookRequestSchema,
        price: free,
        limit: 'free-post',
        run: (i, ctx) => hire.setWebhook(needToken(ctx), i.url),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_get_webhook',
        title: 'AI for Hire: the webhook',
        description: "The token's webhook URL and when it was set (its secret is shown only when set).",
        schema: z.object({}),
        price: free,
        limit: 'free',
        readOnly: true,
        run: (_i, ctx) => hire.getWebhook(needToken(ctx)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_remove_webhook',
        title: 'AI for Hire: remove the webhook',
        description: "Stops POSTing the token's events.",
        schema: z.object({}),
        price: free,
        limit: 'free',
        run: (_i, ctx) => hire.removeWebhook(needToken(ctx)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_me',
        title: 'AI for Hire: my tasks and quotes',
        description: "The token's tasks as buyer, its quotes as contractor, unread threads and balance.",
        schema: z.object({}),
        price: free,
        limit: 'free',
        readOnly: true,
        run: (_i, ctx) => hire.me(needToken(ctx)),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_collect',
        title: 'AI for Hire: collect over Lightning',
        description: "Pays a BOLT11 invoice (with an amount, to another node) from the token's balance; the routing fee actually paid is charged too.",
        schema: CollectRequestSchema,
        price: { free: false, summary: "the invoice's amount plus the routing fee, from the balance" },
        limit: 'free',
        run: (i, ctx) => hire.collect(needToken(ctx), i.invoice),
      },
      deps,
    ),
    hireTool(
      {
        name: 'hire_payout_status',
        title: 'AI for Hire: a payout',
        description: 'The state of a collect, by its payment hash.',
        schema: z.object({ payment_hash: z.string() }),
        price: free,
        limit: 'free',
        readOnly: true,
        run: (i, ctx) => hire.payoutStatus(needToken(ctx), i.payment_hash),
      },
      deps,
    ),
  ];
  return specs;
}
