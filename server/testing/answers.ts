// Checks a real server's answers against the contract's strict schemas, exactly: the schema must
// parse the body, give it back unchanged (no default filled in for a missing field) and refuse it
// with one field more. Remembers which schemas were checked, so a test can prove it checked them all.
import { expect } from 'vitest';
import { z } from 'zod';

export interface Answer {
  status: number;
  body: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function answerChecker() {
  const checked = new Set<z.ZodType>();

  /** Asserts the status and the exact shape; returns the body, typed by the schema. */
  function expectAnswer<S extends z.ZodType>(schema: S, res: Answer, status: number): z.output<S> {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) throw new Error(`the ${status} answer does not match its schema:\n${z.prettifyError(parsed.error)}\n${JSON.stringify(res.body, null, 2)}`);
    expect(parsed.data).toEqual(res.body);
    if (isObject(res.body)) expect(schema.safeParse({ ...res.body, unexpected_field: 1 }).success, 'the schema is strict').toBe(false);
    checked.add(schema);
    return parsed.data;
  }

  /** The names of the schemas given that no answer was checked against. */
  function unchecked(schemas: Record<string, z.ZodType>): string[] {
    return Object.entries(schemas)
      .filter(([, s]) => !checked.has(s))
      .map(([name]) => name);
  }

  return { expectAnswer, unchecked };
}
