// Machine-checked delivery: a task (or a milestone) may carry an acceptance check, a JSON Schema
// (draft-07, checked with ajv) that the delivery body, read as JSON, must satisfy, or the sha256
// of the expected artifact (the body's UTF-8 bytes). Schemas come from strangers: they are
// compiled once when posted (a schema that does not compile is refused), regular-expression
// keywords are refused (a hostile pattern could stall the server), and the size is capped.
import { createHash } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Acceptance } from '../../contract/hire.js';
import { invalidField } from './errors.js';

export const ACCEPTANCE_MAX_CHARS = 16_384;
const REGEX_KEYWORDS = new Set(['pattern', 'patternProperties', 'format', '$dynamicRef', '$ref', '$id']);

// strict: unknown keywords are refused; the stylistic strict checks (required without properties, ...) are not
const ajv = new Ajv({ strict: true, strictRequired: false, strictTypes: false, strictTuples: false, allowUnionTypes: true, allErrors: false, validateSchema: true });
// compiled validators by schema text; bounded so a flood of schemas cannot grow it without end
const compiled = new Map<string, ValidateFunction>();
const CACHE_MAX = 500;

function compile(schema: unknown, field: string): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  let fn: ValidateFunction;
  try {
    fn = ajv.compile(schema as object);
  } catch (err) {
    throw invalidField(field, `The JSON Schema does not compile: ${(err as Error).message}`);
  }
  if (compiled.size >= CACHE_MAX) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, fn);
  return fn;
}

// Keywords whose value maps names to schemas (the names are data, not keywords), and keywords
// whose value is data: neither is searched for keywords by its keys.
const SCHEMA_MAPS = new Set(['properties', 'definitions', '$defs', 'dependentSchemas']);
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

function refuseRegexKeywords(node: unknown, field: string): void {
  if (Array.isArray(node)) return node.forEach((n) => refuseRegexKeywords(n, field));
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (REGEX_KEYWORDS.has(k)) throw invalidField(field, `The JSON Schema keyword "${k}" is not accepted here (no regular expressions, formats or references).`);
    if (DATA_KEYWORDS.has(k)) continue;
    if (SCHEMA_MAPS.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) Object.values(v).forEach((schema) => refuseRegexKeywords(schema, field));
    else refuseRegexKeywords(v, field);
  }
}

/** Checks a posted acceptance check; throws 400 invalid_field_value naming `field`. */
export function assertAcceptance(a: Acceptance, field: string): Acceptance {
  if ('sha256' in a) return { sha256: a.sha256.toLowerCase() };
  const schemaField = `${field}.json_schema`;
  if (JSON.stringify(a.json_schema).length > ACCEPTANCE_MAX_CHARS) throw invalidField(schemaField, `The JSON Schema must be at most ${ACCEPTANCE_MAX_CHARS} characters.`);
  refuseRegexKeywords(a.json_schema, schemaField);
  compile(a.json_schema, schemaField);
  return a;
}

/** Why the delivery fails the check, or null when it passes. */
export function failedCheck(a: Acceptance, body: string): string | null {
  if ('sha256' in a) {
    const got = createHash('sha256').update(body, 'utf8').digest('hex');
    return got === a.sha256 ? null : `The delivery's sha256 is ${got}, not the expected ${a.sha256}.`;
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'The delivery must be JSON satisfying the task’s JSON Schema; it is not valid JSON.';
  }
  const validate = compile(a.json_schema, 'acceptance.json_schema');
  if (validate(value)) return null;
  const e = validate.errors?.[0];
  return `The delivery does not satisfy the task’s JSON Schema: ${e ? `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}` : 'it is invalid'}.`;
}
