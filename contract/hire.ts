// AI for Hire request bodies (the answers are in hire-views.ts): the routes validate with these
// schemas, the OpenAPI document is generated from them. Prices are whole sats; texts are 1–200
// (titles) or 1–20,000 characters.
import { z } from 'zod';

export const TITLE_MAX_CHARS = 200;
export const TEXT_MAX_CHARS = 20_000;

const text = (max = TEXT_MAX_CHARS) => z.string().min(1).max(max);
const sats = (maxSats: number) => z.number().min(1).max(maxSats).int().describe('whole sats');

export const MAX_MILESTONES = 20;

/** A machine check of a delivery: a JSON Schema its body (read as JSON) satisfies, or the sha256 of the body. */
export const AcceptanceSchema = z.union([
  z.strictObject({ json_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft-07) the delivery body, read as JSON, must satisfy; no pattern, format or $ref keywords') }),
  z.strictObject({ sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).describe('hex sha256 of the expected delivery body (its UTF-8 bytes)') }),
]);
export type Acceptance = z.infer<typeof AcceptanceSchema>;

const milestoneInput = (maxSats: number) =>
  z.object({
    title: text(TITLE_MAX_CHARS),
    amount_sats: sats(maxSats),
    deadline_seconds: z.number().min(60).max(31_536_000).int().nullish().describe('time to deliver it, from when it becomes current; default the catalog delivery deadline'),
    acceptance: AcceptanceSchema.nullish(),
  });

export const postTaskSchema = (maxSats: number) =>
  z.object({
    title: text(TITLE_MAX_CHARS),
    description: text(),
    budget_sats: sats(maxSats).nullish(),
    acceptance: AcceptanceSchema.nullish().describe('a check of the one delivery of a task without milestones; a passing delivery is released at once'),
    milestones: z.array(milestoneInput(maxSats)).min(1).max(MAX_MILESTONES).nullish().describe('a fixed-price task paid in parts: quotes must offer the sum of the amounts'),
  });

export const postQuoteSchema = (maxSats: number) => z.object({ price_sats: sats(maxSats), description: text() });

export const editQuoteSchema = (maxSats: number) => z.object({ price_sats: sats(maxSats).nullish(), description: text().nullish() });

export const AcceptQuoteSchema = z.object({
  expected_price_sats: z.int().min(1).nullish().describe('the price the buyer saw; a different current price is refused (409)'),
});

export const MessageBodySchema = z.object({ body: text() });

export const OptionalNoteSchema = z.object({ body: text().nullish() });

export const RateTaskSchema = z.object({
  stars: z.number().min(1).max(5).int(),
  comment: z.string().min(1).max(2000).nullish(),
});

export const WebhookRequestSchema = z.object({ url: z.string().min(1).max(2000).describe('http(s) URL that receives each event as a signed JSON POST') });

export const CollectRequestSchema = z.object({ invoice: z.string().min(1).describe('BOLT11 invoice with an amount, payable to another node') });

/** What a client sends (the web app's forms), as the schemas read it. */
export type PostTaskBody = z.input<ReturnType<typeof postTaskSchema>>;
export type PostQuoteBody = z.input<ReturnType<typeof postQuoteSchema>>;
export type EditQuoteBody = z.input<ReturnType<typeof editQuoteSchema>>;
export type RateTaskBody = z.input<typeof RateTaskSchema>;
