// Acceptance checks are pure: what a posted check may contain, and why a delivery fails one.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { assertAcceptance, failedCheck } from './acceptance.js';

const fieldOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).details.field;
  }
  return undefined;
};

describe('acceptance checks', () => {
  it('refuses schemas that do not compile, use regular expressions or references, or are too big', () => {
    expect(fieldOf(() => assertAcceptance({ json_schema: { type: 'strin' } }, 'acceptance'))).toBe('acceptance.json_schema');
    expect(fieldOf(() => assertAcceptance({ json_schema: { type: 'string', pattern: '(a+)+$' } }, 'acceptance'))).toBe('acceptance.json_schema');
    expect(fieldOf(() => assertAcceptance({ json_schema: { $ref: 'http://example.com/s.json' } }, 'milestones.1.acceptance'))).toBe('milestones.1.acceptance.json_schema');
    expect(fieldOf(() => assertAcceptance({ json_schema: { type: 'string', format: 'email' } }, 'acceptance'))).toBe('acceptance.json_schema');
    expect(fieldOf(() => assertAcceptance({ json_schema: { enum: ['x'.repeat(17_000)] } }, 'acceptance'))).toBe('acceptance.json_schema');
    expect(fieldOf(() => assertAcceptance({ json_schema: { type: 'object', properties: { a: { type: 'number' } } } }, 'acceptance'))).toBeUndefined();
    expect(fieldOf(() => assertAcceptance({ json_schema: { type: 'object', required: ['lines'] } }, 'acceptance'))).toBeUndefined();
    expect(fieldOf(() => assertAcceptance({ json_schema: { type: 'object', requird: ['typo'] } }, 'acceptance'))).toBe('acceptance.json_schema');
  });

  it('reads property names and data as data: a field named "format" is fine, a pattern inside a property is not', () => {
    const named = { type: 'object', properties: { format: { type: 'string' }, pattern: { const: { format: 'x' } } }, required: ['format'] };
    expect(fieldOf(() => assertAcceptance({ json_schema: named }, 'acceptance'))).toBeUndefined();
    const nested = { type: 'object', properties: { email: { type: 'string', pattern: '(a+)+$' } } };
    expect(fieldOf(() => assertAcceptance({ json_schema: nested }, 'acceptance'))).toBe('acceptance.json_schema');
  });

  it('says why a delivery fails a schema or a hash, and passes a matching one', () => {
    const schema = { json_schema: { type: 'array', items: { type: 'number' }, minItems: 2 } };
    expect(failedCheck(schema, '[1, 2]')).toBeNull();
    expect(failedCheck(schema, '[1]')).toMatch(/must NOT have fewer than 2 items/);
    expect(failedCheck(schema, '[1, "x"]')).toMatch(/\/1 must be number/);
    expect(failedCheck(schema, '{')).toMatch(/not valid JSON/);
    const hash = createHash('sha256').update('héllo', 'utf8').digest('hex');
    expect(failedCheck(assertAcceptance({ sha256: hash.toUpperCase() }, 'acceptance'), 'héllo')).toBeNull();
    expect(failedCheck({ sha256: hash }, 'hello')).toMatch(/not the expected/);
  });
});
