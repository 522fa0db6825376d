// The child-token form: its fields checked into the body POST /api/v1/tokens takes, the server's
// refusals turned into words (an insufficient balance with the figures), and a child's limits in
// words. Pure, so it is tested.
import type { ApiError } from '../api/errors';
import type { ChildToken, CreateChildTokenBody } from '../api/childTokens';
import { formatMsat, formatSats, formatTime } from './format';

export interface ChildTokenInput {
  amount: string;
  /** a datetime-local value ("2026-12-31T18:00", local time) or '' for none */
  expires: string;
  /** sats per UTC day, '' for no cap */
  dailyCap: string;
  /** the APIs ticked; none: every API */
  apis: string[];
}

export type ChildField = 'amount' | 'expires' | 'dailyCap' | 'apis';
export type FieldErrors = Partial<Record<ChildField, string>>;

export type ChildCheck = { ok: true; body: CreateChildTokenBody } | { ok: false; errors: FieldErrors };

const cleanNumber = (s: string): string => s.trim().replaceAll(',', '').replaceAll('_', '').replaceAll(' ', '');
const MAX_SATS = 2_100_000_000_000_000;

/** A whole number of sats ≥ 1, or the message that says what is wrong. */
function wholeSats(input: string, what: string): number | string {
  const text = cleanNumber(input);
  if (!/^\d+$/.test(text)) return `Use whole sats for ${what}: digits only, no decimals.`;
  const n = Number(text);
  if (n < 1) return `${what[0]!.toUpperCase()}${what.slice(1)} is at least 1 sat.`;
  if (n > MAX_SATS) return `That is more sats than there are.`;
  return n;
}

/** Local "YYYY-MM-DDTHH:mm" → Unix seconds, null when it is not such a time. */
export function localDateTimeToUnix(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  // a day that does not exist rolls over: refuse it
  if (d.getFullYear() !== Number(m[1]) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) return null;
  return Math.floor(d.getTime() / 1000);
}

/**
 * Checks the form against what is known: `balanceSats` is the parent's balance when read (the
 * server checks again), `now` Unix seconds, `knownApis` the catalog's API names.
 */
export function checkChildToken(input: ChildTokenInput, ctx: { now: number; balanceSats?: number | undefined; knownApis: readonly string[] }): ChildCheck {
  const errors: FieldErrors = {};
  const body: CreateChildTokenBody = { amount_sats: 0 };

  if (cleanNumber(input.amount) === '') errors.amount = 'Enter the sats to move to the child token.';
  else {
    const amount = wholeSats(input.amount, 'the amount');
    if (typeof amount === 'string') errors.amount = amount;
    else if (ctx.balanceSats !== undefined && amount > ctx.balanceSats) {
      errors.amount = `This token holds ${formatSats(ctx.balanceSats)}: it cannot give ${formatSats(amount)}. Top up, or give less.`;
    } else body.amount_sats = amount;
  }

  if (input.expires.trim() !== '') {
    const at = localDateTimeToUnix(input.expires.trim());
    if (at === null) errors.expires = 'Choose a date and time, or leave it empty for no expiry.';
    else if (at <= ctx.now + 60) errors.expires = 'Choose a time at least a minute from now.';
    else body.expires_at = at;
  }

  if (cleanNumber(input.dailyCap) !== '') {
    const cap = wholeSats(input.dailyCap, 'the daily cap');
    if (typeof cap === 'string') errors.dailyCap = cap;
    else body.max_sats_per_day = cap;
  }

  const unknown = input.apis.filter((a) => !ctx.knownApis.includes(a));
  if (unknown.length > 0) errors.apis = `Not in the catalog: ${unknown.join(', ')}.`;
  else if (input.apis.length > 0) body.apis = [...new Set(input.apis)];

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body };
}

const FIELD_OF: Record<string, ChildField> = { amount_sats: 'amount', expires_at: 'expires', max_sats_per_day: 'dailyCap', apis: 'apis' };

/** How the form shows a refusal: under a field, or as a notice with the figures. */
export type ChildRefusal = { kind: 'field'; field: ChildField; message: string } | { kind: 'notice'; title: string; message: string } | { kind: 'error' };

export function childTokenRefusal(err: ApiError, requestedSats: number, knownBalanceSats?: number): ChildRefusal {
  if (err.code === 'insufficient_balance') {
    const balance = err.balanceSats ?? knownBalanceSats;
    const holds = balance !== undefined ? `This token holds ${formatSats(balance)}` : 'This token holds less';
    return { kind: 'notice', title: 'Not enough sats on this token', message: `${holds}: it cannot give ${formatSats(requestedSats)} to a child token. Top up, or give less.` };
  }
  if (err.code === 'invalid_field_value' && err.field && FIELD_OF[err.field]) {
    return { kind: 'field', field: FIELD_OF[err.field]!, message: err.message };
  }
  if (err.code === 'forbidden') {
    return { kind: 'notice', title: 'A child token cannot make tokens', message: 'This token is itself a child token. Make child tokens with the token that made it.' };
  }
  return { kind: 'error' };
}

/** A child's state: revoked, expired (by `now`), or active. */
export function childState(c: ChildToken, now: number): 'revoked' | 'expired' | 'active' {
  if (c.revoked) return 'revoked';
  if (c.expires_at !== null && c.expires_at <= now) return 'expired';
  return 'active';
}

/** "12 of 100 sats today", "12 sats today (no daily cap)". */
export function spentTodayText(c: ChildToken): string {
  // to the msat, as "Left" says the balance (whole sats rounded up would say 1 for 0.099)
  const spent = formatMsat(c.spent_today_msat);
  return c.max_sats_per_day !== null ? `${spent.replace(/ sats?$/, '')} of ${formatSats(c.max_sats_per_day)} today` : `${spent} today (no daily cap)`;
}

/** A child token as a person recognises it: when it was made, and its short id. */
export const childName = (c: Pick<ChildToken, 'id' | 'created_at'>): string => `the child token made ${formatTime(c.created_at)} (no. ${c.id})`;

/** An API a child may be limited to: its name in `apis`, its title on the form. */
export interface ApiChoice {
  name: string;
  title: string;
}

/** Not in the catalog, yet a child may be limited to it (README "Child tokens for agents"). */
export const AI_FOR_HIRE_CHOICE: ApiChoice = { name: 'ai-for-hire', title: 'AI for Hire' };

/** The catalog's APIs, then AI for Hire; none while the catalog is unread (the form shows no list). */
export function childApiChoices(catalogApis: readonly ApiChoice[] | undefined): ApiChoice[] {
  if (!catalogApis) return [];
  const choices = catalogApis.map((a) => ({ name: a.name, title: a.title }));
  return choices.some((a) => a.name === AI_FOR_HIRE_CHOICE.name) ? choices : [...choices, AI_FOR_HIRE_CHOICE];
}

/** 9999-12-31T23:59:59Z, the latest expiry the server takes (contract/api.ts UNIX_SECONDS_MAX; no zod in the bundle). */
const LAST_DATED_SECOND = 253_402_300_799;

/** "never", a local date and time, or in words for an expiry past the year 9999 that an older server kept. */
export function expiryText(expiresAt: number | null): string {
  if (expiresAt === null) return 'never';
  if (expiresAt > LAST_DATED_SECOND) return 'after the year 9999 (in effect never)';
  return formatTime(expiresAt);
}

/** "every API" or "openai, anthropic". */
export function apisText(c: Pick<ChildToken, 'apis'>): string {
  return c.apis && c.apis.length > 0 ? c.apis.join(', ') : 'every API';
}

/**
 * Whether GET /api/v1/tokens refused the token as a child: the API answers a child token 403
 * forbidden there (a child has no children), and has no other way of telling one.
 */
export const isChildToken = (listError: ApiError | undefined): boolean => listError?.code === 'forbidden';
