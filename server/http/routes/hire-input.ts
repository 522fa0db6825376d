// Parsing AI for Hire requests: JSON fields by type, path ids, list queries. Value rules
// (lengths, limits) come from the domain's validate.ts so every caller shares them.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { TASK_STATUSES, type TaskStatus } from '../../hire/index.js';
import * as validate from '../../hire/validate.js';
import { integerValue, requiredString } from '../body.js';

export const HIRE_PREFIX = '/api/v1/ai-for-hire';

export type Body = Record<string, unknown>;

export const present = (body: Body, field: string): boolean => body[field] !== undefined && body[field] !== null;

export function optionalString(body: Body, field: string): string | null {
  return present(body, field) ? requiredString(body, field) : null;
}

/** a required text of 1–20,000 characters (or `max`) */
export const requiredText = (body: Body, field: string, max?: number): string => validate.text(requiredString(body, field), field, max);

export function optionalText(body: Body, field: string): string | null {
  const v = optionalString(body, field);
  return v === null ? null : validate.text(v, field);
}

/** a price in whole sats from 1 to maxSats, as msat */
export function priceMsat(body: Body, field: string, maxSats: number, required: boolean): bigint | null {
  if (!present(body, field)) {
    if (required) throw new AppError('missing_required_field', `${field} is required.`, { field });
    return null;
  }
  return BigInt(integerValue(body[field], field, 1, maxSats)) * 1000n;
}

export interface TaskParams {
  id: string;
  qid?: string;
}

export function ids(req: FastifyRequest<{ Params: TaskParams }>): { taskId: string; quoteId: string } {
  return { taskId: validate.taskId(req.params.id), quoteId: validate.quoteId(req.params.qid ?? '') };
}

export const taskIdOf = (req: FastifyRequest<{ Params: TaskParams }>): string => validate.taskId(req.params.id);

type Query = Record<string, string | string[] | undefined>;

function queryInteger(query: Query, field: string, fallback: number, min: number, max: number): number {
  const raw = query[field];
  if (raw === undefined) return fallback;
  const text = Array.isArray(raw) ? raw[0] ?? '' : raw;
  if (!/^\d{1,15}$/.test(text)) throw new AppError('invalid_field_value', `${field} must be a whole number from ${min} to ${max}.`, { field });
  return integerValue(Number(text), field, min, max);
}

export function listQuery(req: FastifyRequest): { status: TaskStatus | null; limit: number; offset: number } {
  const query = (req.query ?? {}) as Query;
  const raw = Array.isArray(query.status) ? query.status[0] : query.status;
  if (raw !== undefined && raw !== '' && !(TASK_STATUSES as readonly string[]).includes(raw)) {
    throw new AppError('invalid_field_value', `status must be one of ${TASK_STATUSES.join(', ')}.`, { field: 'status' });
  }
  return {
    status: raw ? (raw as TaskStatus) : null,
    limit: queryInteger(query, 'limit', 50, 1, 100),
    offset: queryInteger(query, 'offset', 0, 0, 1_000_000),
  };
}

export function afterIdOf(req: FastifyRequest): bigint {
  return BigInt(queryInteger((req.query ?? {}) as Query, 'after_id', 0, 0, Number.MAX_SAFE_INTEGER));
}
