// Parsing AI for Hire path ids and list queries (bodies are parsed with contract/hire.ts).
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { TASK_STATUSES, type TaskStatus } from '../../hire/index.js';
import * as validate from '../../hire/input-rules.js';
import { integerValue } from '../body.js';

export const HIRE_PREFIX = '/api/v1/ai-for-hire';

export interface TaskParams {
  id: string;
  qid?: string;
}

export function ids(req: FastifyRequest<{ Params: TaskParams }>): { taskId: string; quoteId: string } {
  return { taskId: validate.taskId(req.params.id), quoteId: validate.quoteId(req.params.qid ?? '') };
}

export const taskIdOf = (req: FastifyRequest<{ Params: TaskParams }>): string => validate.taskId(req.params.id);

type Query = Record<string, string | string[] | undefined>;

/** A query parameter given at most once (`?status=open&status=awarded` is refused, not read as one of them). */
function oneValue(query: Query, field: string): string | undefined {
  const raw = query[field];
  if (!Array.isArray(raw)) return raw;
  if (raw.length > 1) throw new AppError('invalid_field_value', `${field} may be given once.`, { field });
  return raw[0];
}

function queryInteger(query: Query, field: string, fallback: number, min: number, max: number): number {
  const text = oneValue(query, field);
  if (text === undefined) return fallback;
  if (!/^\d{1,15}$/.test(text)) throw new AppError('invalid_field_value', `${field} must be a whole number from ${min} to ${max}.`, { field });
  return integerValue(Number(text), field, min, max);
}

export function listQuery(req: FastifyRequest): { status: TaskStatus | null; limit: number; offset: number } {
  const query = (req.query ?? {}) as Query;
  const raw = oneValue(query, 'status');
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
