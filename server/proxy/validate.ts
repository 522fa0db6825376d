// Checks a request against its endpoint's catalog rules before any invoice or charge. Pure: it
// reads the parsed body, changes nothing and strips nothing.
//
// The rules are an allow-list: a body field without a rule is refused (unless the endpoint says
// `other_fields: pass`), because an upstream parameter the price was not set for may cost more
// (OpenAI's `service_tier: priority`, hosted tools, Anthropic's `mcp_servers`). Values are bounded
// by the rules (enum, min/max, item_types for the tool types a price covers). Given the request's
// API, headers and query, the headers and query parameters are checked too (allow.ts).
//
// Choices, made as an OpenAI user would expect them:
// - a JSON body that is valid JSON but not an object (an array, a string) is
//   `invalid_field_type` on field "body" — it parsed, it is just the wrong type (OpenAI too calls
//   this a type error); bytes that do not parse are `invalid_json` (see body.ts);
// - `null` counts as absent: optional fields may be null (OpenAI accepts that), a required
//   field that is null is missing;
// - multipart values are text: a number rule accepts "0.2", a boolean rule "true"/"false",
//   array/object rules a JSON text; a `file` rule needs an uploaded file part;
// - the model field is required and must be one of the priced models (derived from the price,
//   not repeated in the rules), unless the price names a default_model for requests without one.
import type { IncomingHttpHeaders } from 'node:http';
import { fieldTypes, type Api, type Endpoint, type FieldRule, type FieldType } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { checkClientHeaders, checkQuery } from './allow.js';
import { isPlainObject, type RequestInput } from './body.js';
import { isListField, type MultipartParts } from './multipart.js';

/** What a request carries besides its body, checked when given. */
export interface RequestExtras {
  api: Api;
  headers: IncomingHttpHeaders;
  /** the query string as sent, with its `?`, or '' (MatchResult.search) */
  search: string;
}

/** An endpoint's rules as validation walks them, worked out once per endpoint rather than per request. */
interface CompiledRules {
  /** the names that must be present, the model field first when it has no default */
  mustHave: readonly string[];
  modelField: string | null;
  models: Record<string, unknown> | null;
  rules: readonly { name: string; rule: FieldRule; types: readonly FieldType[] }[];
  /** null when other fields pass */
  known: ReadonlySet<string> | null;
}

const compiled = new WeakMap<Endpoint, CompiledRules>();

function rulesOf(endpoint: Endpoint): CompiledRules {
  let c = compiled.get(endpoint);
  if (c) return c;
  const { required, fields } = endpoint.validation;
  const modelField = 'models' in endpoint.price ? endpoint.price.model_field : null;
  const modelRequired = 'models' in endpoint.price && endpoint.price.default_model === undefined;
  c = {
    mustHave: modelRequired && modelField && !required.includes(modelField) ? [modelField, ...required] : [...required],
    modelField,
    models: 'models' in endpoint.price ? endpoint.price.models : null,
    rules: Object.entries(fields).map(([name, rule]) => ({ name, rule, types: fieldTypes(rule) })),
    known: endpoint.validation.other_fields === 'refuse' ? new Set([...Object.keys(fields), ...required, ...(modelField ? [modelField] : [])]) : null,
  };
  compiled.set(endpoint, c);
  return c;
}

/** Throws AppError missing_required_field | invalid_field_type | invalid_field_value, naming the field. */
export function validateRequest(endpoint: Endpoint, input: RequestInput, extras?: RequestExtras): void {
  if (extras) {
    checkQuery(endpoint, extras.search);
    checkClientHeaders(extras.api, extras.headers);
  }
  if (input.kind === 'none') return;
  if (input.kind === 'json') return validateJson(rulesOf(endpoint), input.body);
  const read = multipartReader(input.parts);
  const c = rulesOf(endpoint);

  for (const name of c.mustHave) {
    if (read(name) === ABSENT) throw new AppError('missing_required_field', `Missing required parameter: '${name}'.`, { field: name });
  }

  if (c.modelField && c.models) checkModel(c.modelField, read(c.modelField), c.models);

  for (const { name, rule } of c.rules) {
    if (isListField(name)) {
      for (const text of input.parts.lists?.[name] ?? []) checkValue(name, textValue(name, text, rule), rule);
      continue;
    }
    const value = read(name, rule);
    if (value !== ABSENT) checkValue(name, value, rule);
  }

  const known = c.known;
  const unknown = known ? sentFields(input).find((name) => !known.has(name)) : undefined;
  if (unknown !== undefined) throw unknownArgument(unknown);
}

/** The JSON path, the hot one: the same checks in the same order as the multipart one, without a reader closure. */
function validateJson(c: CompiledRules, body: unknown): void {
  if (!isPlainObject(body)) {
    throw new AppError('invalid_field_type', `Invalid type for 'body': expected a JSON object, but got ${typeName(body)} instead.`, { field: 'body' });
  }
  for (const name of c.mustHave) {
    if (jsonField(body, name) === ABSENT) throw new AppError('missing_required_field', `Missing required parameter: '${name}'.`, { field: name });
  }
  if (c.modelField && c.models) checkModel(c.modelField, jsonField(body, c.modelField), c.models);
  for (const { name, rule, types } of c.rules) {
    const value = jsonField(body, name);
    if (value === ABSENT) continue;
    if (!jsonHasAnyType(value, types)) throw typeError(name, rule, typeName(value));
    checkValue(name, value, rule);
  }
  if (c.known) {
    for (const name of Object.keys(body)) {
      const v = body[name];
      if (v !== null && v !== undefined && !c.known.has(name)) throw unknownArgument(name);
    }
  }
}

/** A JSON body field; ABSENT when missing or null. */
function jsonField(body: Record<string, unknown>, name: string): Value | typeof ABSENT {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  return value === undefined || value === null ? ABSENT : value;
}

function unknownArgument(name: string): AppError {
  return new AppError(
    'invalid_field_value',
    `Unrecognized request argument supplied: '${name.slice(0, 100)}'. It is not offered here: the price covers only the parameters this endpoint lists (GET /api/v1/catalog).`,
    { field: name.slice(0, 200) },
  );
}

/** The fields a multipart request carries. */
function sentFields(input: Extract<RequestInput, { kind: 'multipart' }>): string[] {
  return [...Object.keys(input.parts.fields), ...input.parts.files.map((f) => f.field)];
}

const ABSENT = Symbol('absent');
type Value = unknown;
/** Reads a field as the rule's type sees it; ABSENT when missing or null. Throws on a type mismatch. */
type Reader = (name: string, rule?: FieldRule) => Value | typeof ABSENT;

function multipartReader(parts: MultipartParts): Reader {
  return (name, rule) => {
    const isFile = parts.files.some((f) => f.field === name);
    const text = Object.hasOwn(parts.fields, name) ? parts.fields[name] : undefined;
    if (!isFile && text === undefined) return ABSENT;
    if (!rule) return isFile ? { file: name } : text;
    if (isFile) {
      if (fieldTypes(rule).includes('file')) return { file: name };
      throw typeError(name, rule, 'a file');
    }
    return textValue(name, text as string, rule);
  };
}

/** A multipart text value read as the first of the rule's types it is; throws a type error otherwise. */
function textValue(name: string, text: string, rule: FieldRule): Value {
  for (const t of fieldTypes(rule)) {
    const v = fromText(text, t);
    if (v !== ABSENT) return v;
  }
  throw typeError(name, rule, 'a text field');
}

function jsonHasAnyType(v: unknown, types: readonly FieldType[]): boolean {
  for (const t of types) if (jsonHasType(v, t)) return true;
  return false;
}

function jsonHasType(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'array': return Array.isArray(v);
    case 'object': return isPlainObject(v);
    case 'file': return false; // a JSON body cannot carry a file part
  }
}

/** A multipart text value read as type t, or ABSENT when it is not one. */
function fromText(text: string, t: FieldType): Value | typeof ABSENT {
  switch (t) {
    case 'string': return text;
    case 'integer': return /^-?\d+$/.test(text.trim()) ? Number(text) : ABSENT;
    case 'number': return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text.trim()) ? Number(text) : ABSENT;
    case 'boolean': return text === 'true' ? true : text === 'false' ? false : ABSENT;
    case 'array':
    case 'object': {
      const parsed = tryJson(text);
      return parsed !== ABSENT && jsonHasType(parsed, t) ? parsed : ABSENT;
    }
    case 'file': return ABSENT;
  }
}

function checkModel(field: string, value: Value | typeof ABSENT, models: Record<string, unknown>): void {
  if (value === ABSENT) return; // absent with a default_model: priced as the default
  if (typeof value !== 'string') throw new AppError('invalid_field_type', `Invalid type for '${field}': expected a string, but got ${typeName(value)} instead.`, { field });
  if (!Object.hasOwn(models, value)) {
    throw new AppError('invalid_field_value', `Invalid value for '${field}': '${value.slice(0, 100)}' is not offered here; expected one of ${list(Object.keys(models))}.`, { field });
  }
}

function checkValue(name: string, value: Value, rule: FieldRule): void {
  if (rule.enum && !rule.enum.some((allowed) => allowed === value)) {
    throw new AppError('invalid_field_value', `Invalid value for '${name}': expected one of ${list(rule.enum)}, but got ${show(value)} instead.`, { field: name });
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw valueError(name, 'expected a finite number');
    if (rule.min !== undefined && value < rule.min) throw valueError(name, `expected a value >= ${rule.min}, but got ${value} instead`);
    if (rule.max !== undefined && value > rule.max) throw valueError(name, `expected a value <= ${rule.max}, but got ${value} instead`);
  }
  if (typeof value === 'string' && (rule.min_length !== undefined || rule.max_length !== undefined)) {
    const length = codePoints(value);
    if (rule.min_length !== undefined && length < rule.min_length) throw valueError(name, `expected a string of at least ${rule.min_length} characters, but got ${length}`);
    if (rule.max_length !== undefined && length > rule.max_length) throw valueError(name, `expected a string of at most ${rule.max_length} characters, but got ${length}`);
  }
  if (Array.isArray(value)) {
    if (rule.min_items !== undefined && value.length < rule.min_items) throw valueError(name, `expected an array of at least ${rule.min_items} items, but got ${value.length}`);
    if (rule.max_items !== undefined && value.length > rule.max_items) throw valueError(name, `expected an array of at most ${rule.max_items} items, but got ${value.length}`);
    if (rule.item_types) checkItemTypes(name, value, rule.item_types);
  }
}

/** Each item must be an object whose `type` is allowed (null: an item without one); hosted tools cost more than a price covers. */
function checkItemTypes(name: string, items: readonly unknown[], allowed: readonly (string | null)[]): void {
  const expected = allowed.map((t) => (t === null ? 'no type' : `'${t}'`)).join(', ');
  items.forEach((item, i) => {
    if (!isPlainObject(item)) throw valueError(name, `${name}[${i}] must be an object, but got ${typeName(item)}`);
    const type = item.type === undefined || item.type === null ? null : item.type;
    if (!allowed.some((t) => t === type)) {
      throw new AppError(
        'invalid_field_value',
        `Invalid value for '${name}': ${name}[${i}] has type ${type === null ? 'none' : show(type)}, which is not offered here (it is billed beyond the price); expected ${expected}.`,
        { field: name },
      );
    }
  });
}

const valueError = (field: string, why: string): AppError => new AppError('invalid_field_value', `Invalid '${field}': ${why}.`, { field });

function typeError(field: string, rule: FieldRule, got: string): AppError {
  const expected = fieldTypes(rule).map(article).join(' or ');
  return new AppError('invalid_field_type', `Invalid type for '${field}': expected ${expected}, but got ${got} instead.`, { field });
}

function article(t: FieldType): string {
  return t === 'integer' || t === 'array' || t === 'object' ? `an ${t}` : t === 'file' ? 'a file upload' : `a ${t}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return ABSENT;
  }
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v.slice(0, 100)}'` : JSON.stringify(v)?.slice(0, 100) ?? String(v);
}

const list = (values: readonly unknown[]): string => values.map(show).join(', ');
