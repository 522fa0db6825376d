// What the AI for Hire endpoints answer, as strict schemas: the server's views are typed from
// them, the OpenAPI document shows them, the web app takes their types, and a test parses every
// answer of a real server with them (an extra or a missing field fails it).
import { z } from 'zod';
import { AcceptanceSchema } from './hire.js';
import { MESSAGE_KINDS, MILESTONE_STATUSES, PAYOUT_STATES, QUOTE_STATUSES, TASK_OUTCOMES, TASK_ROLES, TASK_STATUSES } from './hire-states.js';

const uuid = z.string().describe('uuid');
const sats = z.int().describe('whole sats');
const msat = z.int().describe('millisatoshis');
const unixSeconds = z.int().describe('Unix seconds');
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const newToken = z.string().describe("the new account's token (paid by L402 without X-Token), shown once");

export const TaskStatusSchema = z.enum(TASK_STATUSES);
export const QuoteStatusSchema = z.enum(QUOTE_STATUSES);

const profileId = z.string().regex(/^prf_[0-9a-f]{24}$/).describe('public pseudonymous profile id (GET /profiles/{id}); never the token');

export const QuoteSchema = z.strictObject({
  id: uuid,
  task_id: uuid,
  contractor_profile: profileId,
  price_sats: sats,
  description: z.string(),
  status: QuoteStatusSchema,
  created_at: unixSeconds,
  updated_at: unixSeconds,
});

export const MilestoneSchema = z.strictObject({
  index: z.int().describe('0-based position; milestones are delivered in this order'),
  title: z.string(),
  amount_sats: sats,
  deadline_seconds: z.int().nullable().describe('time to deliver it from when it becomes current; null: the catalog default'),
  acceptance: AcceptanceSchema.nullable(),
  status: z.enum(MILESTONE_STATUSES),
});

/** A task as the actions on it answer (accept, cancel, deliver, request-revision, dispute, confirm). */
export const TaskSchema = z.strictObject({
  id: uuid,
  buyer_profile: profileId,
  title: z.string(),
  description: z.string(),
  budget_sats: sats.nullable(),
  status: TaskStatusSchema,
  created_at: unixSeconds,
  updated_at: unixSeconds,
  expires_at: unixSeconds.nullable().describe('when an open task expires; null once it is not open'),
  accepted_quote_id: uuid.nullable(),
  price_sats: sats.nullable().describe('the escrowed price, once a quote is accepted'),
  delivery_deadline_at: unixSeconds.nullable(),
  review_deadline_at: unixSeconds.nullable(),
  delivered_at: unixSeconds.nullable(),
  revisions_used: z.int(),
  max_revisions: z.int(),
  outcome: z.enum(TASK_OUTCOMES).nullable().describe('why a closed escrow went where it went'),
  acceptance: AcceptanceSchema.nullable().describe('the machine check of the delivery of a task without milestones'),
  milestones: z.array(MilestoneSchema).describe('empty for a task paid in one delivery'),
  current_milestone: z.int().nullable().describe('index of the milestone being worked on; null without milestones'),
  released_sats: sats.describe('escrow already paid to the contractor for finished milestones'),
});

/** A task in a list (GET /tasks, GET /me). */
export const TaskSummarySchema = TaskSchema.extend({ quote_count: z.int() });

/** GET /tasks/{id}: the task with its quotes; its buyer and accepted contractor also get the five fields below. */
export const TaskDetailSchema = TaskSummarySchema.extend({
  quotes: z.array(QuoteSchema),
  role: z.enum(TASK_ROLES).optional(),
  delivery: z.strictObject({ body: z.string(), created_at: unixSeconds }).nullable().optional(),
  contractor_paid_sats: sats.nullable().optional(),
  buyer_refunded_sats: sats.nullable().optional(),
  rated: z.boolean().optional().describe('whether the buyer or contractor asking has rated this task (one rating each, never changed)'),
});

/** 201 of POST /tasks. */
export const PostedTaskSchema = TaskSummarySchema.extend({ quotes: z.array(QuoteSchema), token: newToken.optional() });

/** 201 of POST /tasks/{id}/quotes. */
export const PostedQuoteSchema = QuoteSchema.extend({ token: newToken.optional() });

/** An operator's dispute resolution: how the escrow was divided. */
export const ResolvedTaskSchema = TaskSchema.extend({ contractor_paid_sats: sats, buyer_refunded_sats: sats });

export const TaskListSchema = z.strictObject({
  tasks: z.array(TaskSummarySchema),
  next_offset: z.int().nullable().describe('offset of the next page; null on the last one'),
});

export const MessageSchema = z.strictObject({
  id: z.int(),
  quote_id: uuid,
  kind: z.enum(MESSAGE_KINDS),
  sender: z.enum(TASK_ROLES),
  body: z.string(),
  created_at: unixSeconds,
  read: z.boolean(),
});

export const MessageListSchema = z.strictObject({
  messages: z.array(MessageSchema),
  next_after_id: z.int().nullable().describe('pass as after_id for the next page; null on the last one'),
});

/** One of the caller's quotes in GET /me, with its task's title and status. */
export const MyQuoteSchema = QuoteSchema.extend({ task_title: z.string(), task_status: TaskStatusSchema });

export const MeSchema = z.strictObject({
  balance_sats: sats,
  balance_msat: msat,
  tasks: z.array(TaskSummarySchema),
  quotes: z.array(MyQuoteSchema),
  unread_messages: z.int(),
  unread_threads: z.array(z.strictObject({ task_id: uuid, quote_id: uuid, unread: z.int() })),
});

/** POST /collect and GET /collect/{payment_hash}. */
export const PayoutSchema = z.strictObject({
  status: z.enum(PAYOUT_STATES),
  payment_hash: hex64,
  paid_sats: sats,
  paid_msat: msat,
  fee_sats: sats,
  fee_msat: msat,
  balance_sats: sats,
  preimage: hex64.nullable(),
  failure_reason: z.string().optional(),
});

/** GET /profiles/{id}: a token's public record, from closed escrowed deals only. */
export const ProfileSchema = z.strictObject({
  id: profileId,
  deals: z.int().describe('closed escrowed tasks, as buyer or contractor'),
  completed: z.int(),
  disputed: z.int().describe('closed by an operator after a dispute'),
  refunded: z.int(),
  dispute_rate: z.number().nullable().describe('disputed / deals; null without deals'),
  refund_rate: z.number().nullable(),
  sats_earned: sats.describe('escrow released to it as contractor (fees excluded)'),
  sats_paid: sats.describe('escrow released from it as buyer (fees excluded)'),
  median_delivery_seconds: z.int().nullable().describe('as contractor: from award to (last) delivery'),
  ratings: z.strictObject({
    count: z.int(),
    mean: z.number().nullable().describe('stars received, weighted by each deal’s escrowed amount'),
    mean_unweighted: z.number().nullable(),
  }),
});

/** 201 of POST /tasks/{id}/rating. */
export const RatingSchema = z.strictObject({
  task_id: uuid,
  rated_profile: profileId,
  as: z.enum(TASK_ROLES).describe('the rater’s side of the deal'),
  stars: z.int(),
  comment: z.string().nullable(),
  amount_sats: sats.describe('the deal’s escrowed amount: the rating’s weight'),
  created_at: unixSeconds,
});

/** PUT/GET /webhook: the token's webhook; `secret` (for X-Abl-Signature) only in the PUT answer. */
export const WebhookSchema = z.strictObject({
  url: z.string(),
  created_at: unixSeconds,
  secret: z.string().optional().describe('HMAC-SHA256 key of X-Abl-Signature, shown once'),
});

export const WebhookDeletedSchema = z.strictObject({ deleted: z.literal(true) });

export type Quote = z.infer<typeof QuoteSchema>;
export type Profile = z.infer<typeof ProfileSchema>;
export type Rating = z.infer<typeof RatingSchema>;
export type Milestone = z.infer<typeof MilestoneSchema>;
export type Task = z.infer<typeof TaskSchema>;
export type TaskSummary = z.infer<typeof TaskSummarySchema>;
export type TaskDetail = z.infer<typeof TaskDetailSchema>;
export type PostedTask = z.infer<typeof PostedTaskSchema>;
export type PostedQuote = z.infer<typeof PostedQuoteSchema>;
export type ResolvedTask = z.infer<typeof ResolvedTaskSchema>;
export type TaskList = z.infer<typeof TaskListSchema>;
export type Message = z.infer<typeof MessageSchema>;
export type MessageList = z.infer<typeof MessageListSchema>;
export type MyQuote = z.infer<typeof MyQuoteSchema>;
export type Me = z.infer<typeof MeSchema>;
export type Payout = z.infer<typeof PayoutSchema>;
