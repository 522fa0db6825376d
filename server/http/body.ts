// Request bodies arrive as raw bytes (the proxy forwards them untouched); JSON routes
// parse here, whatever content type the client sent (curl -d sends form-urlencoded).
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export function jsonObject(req: FastifyRequest, opts: { optional?: boolean } = {}): Record<string, unknown> {
  const raw = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  if (text.trim() === '') {
    if (opts.optional) return {};
    throw new AppError('invalid_json', 'The request body must be a JSON object.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    // valid JSON of the wrong shape: a type error on the body, as the proxy answers it too
    throw new AppError('invalid_field_type', 'The request body must be a JSON object.', { field: 'body' });
  }
  return value as Record<string, unknown>;
}

export function integerValue(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number') throw new AppError('invalid_field_type', `${field} must be an integer.`, { field });
  if (!Number.isInteger(v)) throw new AppError('invalid_field_value', `${field} must be a whole number.`, { field });
  if (v < min || v > max) throw new AppError('invalid_field_value', `${field} must be from ${min} to ${max}.`, { field });
  return v;
}
