// Validates a JSON body with a contract schema and turns the first problem into the
// contract's codes: absent or null → missing_required_field, wrong JSON type →
// invalid_field_type, anything else (range, length, fractions) → invalid_field_value.
import type { z } from 'zod';
import { AppError } from '../errors.js';

export function parseWith<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'body';
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_type') {
    if (input === undefined || input === null) throw new AppError('missing_required_field', `${field} is required.`, { field });
    if (issue.expected === 'int' && typeof input === 'number') throw new AppError('invalid_field_value', `${field} must be a whole number.`, { field });
    throw new AppError('invalid_field_type', `${field} must be of type ${issue.expected}.`, { field });
  }
  throw new AppError('invalid_field_value', `${field}: ${issue.message}`, { field });
}
