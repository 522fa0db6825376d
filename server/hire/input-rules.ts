// Input rules shared by every caller (routes, MCP tools, scripts): lengths, whole-sat prices, limits,
// and the parsed bodies built into what the service takes, so every door posts the same thing.
// Types were checked by whoever parsed the input; here only values.
import { AppError } from '../errors.js';
import { invalidField, notFound } from './errors.js';
import type { Acceptance, EditQuoteBody, PostTaskBody, RateTaskBody } from '../../contract/hire.js';
import { satsToMsat } from '../../contract/money.js';
import { assertAcceptance } from './acceptance.js';
import { milestoneTotalMsat, type StoredMilestone } from './milestones.js';
import type { TaskInput } from './posting.js';
import { TEXT_MAX_CHARS, TITLE_MAX_CHARS } from './rules.js';

/** 1–max characters (counted as code points), not only white space, no NUL. */
export function text(value: string, field: string, max = TEXT_MAX_CHARS): string {
  const length = [...value].length;
  if (value.trim() === '') throw invalidField(field, `${field} must not be empty.`);
  // PostgreSQL text cannot hold NUL; refused here rather than failing in the database
  if (value.includes('\u0000')) throw invalidField(field, `${field} must not contain NUL characters.`);
  if (length > max) throw invalidField(field, `${field} must be at most ${max} characters (got ${length}).`);
  return value;
}

export const title = (value: string): string => text(value, 'title', TITLE_MAX_CHARS);

/** A price or budget: a whole number of sats from 1 to maxSats. */
export function priceSats(value: number, field: string, maxSats: number): bigint {
  if (!Number.isInteger(value)) throw invalidField(field, `${field} must be a whole number of sats.`);
  if (value < 1 || value > maxSats) throw invalidField(field, `${field} must be from 1 to ${maxSats} sats.`);
  return BigInt(value) * 1000n;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ids are UUIDs; anything else names nothing (404, never a database error). */
export function taskId(value: string): string {
  const id = value.toLowerCase();
  if (!UUID.test(id)) throw notFound('No task has this id.');
  return id;
}

export function quoteId(value: string): string {
  const id = value.toLowerCase();
  if (!UUID.test(id)) throw notFound('No quote has this id on this task.');
  return id;
}

export function atLeastOne(fields: Record<string, unknown>): void {
  if (Object.values(fields).every((v) => v === undefined)) {
    const names = Object.keys(fields);
    throw new AppError('missing_required_field', `Send at least one of ${names.join(', ')}.`, { field: names[0]! });
  }
}

export interface MilestoneInput {
  title: string;
  amount_sats: number;
  deadline_seconds?: number | null;
  acceptance?: Acceptance | null;
}

/** A task's milestones as stored, and the budget they make (a budget sent beside them must equal their sum). */
export function milestones(list: readonly MilestoneInput[], budgetMsat: bigint | null, maxSats: number): { milestones: StoredMilestone[]; budgetMsat: bigint } {
  const stored = list.map((m, i) => ({
    title: text(m.title, `milestones.${i}.title`, TITLE_MAX_CHARS),
    amount_sats: Number(priceSats(m.amount_sats, `milestones.${i}.amount_sats`, maxSats) / 1000n),
    deadline_seconds: m.deadline_seconds ?? null,
    acceptance: m.acceptance == null ? null : assertAcceptance(m.acceptance, `milestones.${i}.acceptance`),
  }));
  const total = milestoneTotalMsat(stored);
  if (total > BigInt(maxSats) * 1000n) throw invalidField('milestones', `The milestones add up to more than ${maxSats} sats.`);
  if (budgetMsat !== null && budgetMsat !== total) throw invalidField('budget_sats', `budget_sats must equal the sum of the milestone amounts (${total / 1000n} sats), or be left out.`);
  return { milestones: stored, budgetMsat: total };
}

/** A parsed task posting as the service takes it: milestones (the budget then their sum) or one acceptance check, never both. */
export function taskInput(body: PostTaskBody, maxSats: number): TaskInput {
  const budgetMsat = body.budget_sats == null ? null : satsToMsat(body.budget_sats);
  if (body.milestones != null && body.acceptance != null) throw invalidField('acceptance', 'A task with milestones carries its checks on each milestone, not on the task.');
  const parts = body.milestones == null ? null : milestones(body.milestones, budgetMsat, maxSats);
  return {
    title: title(body.title),
    description: text(body.description, 'description'),
    budgetMsat: parts?.budgetMsat ?? budgetMsat,
    milestones: parts?.milestones ?? null,
    acceptance: body.acceptance == null ? null : assertAcceptance(body.acceptance, 'acceptance'),
  };
}

/** A parsed quote edit: at least one of its fields. */
export function quotePatch(body: EditQuoteBody): { priceMsat: bigint | null; description: string | null } {
  atLeastOne({ price_sats: body.price_sats ?? undefined, description: body.description ?? undefined });
  return {
    priceMsat: body.price_sats == null ? null : satsToMsat(body.price_sats),
    description: body.description == null ? null : text(body.description, 'description'),
  };
}

/** A parsed rating: its stars, and a comment of at most 2,000 characters. */
export function ratingInput(body: RateTaskBody): { stars: number; comment: string | null } {
  return { stars: body.stars, comment: body.comment == null ? null : text(body.comment, 'comment', 2000) };
}
