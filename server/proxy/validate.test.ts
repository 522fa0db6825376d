import { describe, expect, it } from 'vitest';
import { Api, Endpoint, type FieldRule } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import type { RequestInput } from './body.js';
import { validateRequest, type RequestExtras } from './validate.js';

/** An endpoint with the given rules, priced per model (a, b) unless a price is given. */
function endpoint(fields: Record<string, FieldRule>, required: string[] = [], price: unknown = { models: { 'model-a': 10, 'model-b': 20 } }, contentType = 'json'): Endpoint {
  return Endpoint.parse({ method: 'POST', path: '/v1/x', title: 'x', content_type: contentType, price, validation: { required, fields } });
}

const json = (body: unknown): RequestInput => ({ kind: 'json', body });
const form = (fields: Record<string, string>, fileFields: string[] = []): RequestInput => ({
  kind: 'multipart',
  parts: { fields, files: fileFields.map((field) => ({ field, filename: 'a.mp3', mimeType: 'audio/mpeg', size: 3 })) },
});

function failure(ep: Endpoint, input: RequestInput, extras?: RequestExtras): { code: string; field: string | undefined; message: string } | null {
  try {
    validateRequest(ep, input, extras);
    return null;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { code: err.code, field: err.details.field, message: err.message };
  }
}

describe('validateRequest: the body and the model', () => {
  const ep = endpoint({ messages: { type: 'array' } }, ['messages']);

  it('accepts a good body and leaves it untouched', () => {
    const body = { model: 'model-a', messages: [], stream_options: null };
    const copy = structuredClone(body);
    expect(failure(ep, json(body))).toBeNull();
    expect(body).toEqual(copy);
  });

  it('refuses a field without a rule (an allow-list), unless it is null or the endpoint lets other fields pass', () => {
    const extra = { model: 'model-a', messages: [], mcp_servers: [{ url: 'https://mcp.example' }] };
    expect(failure(ep, json(extra))).toMatchObject({ code: 'invalid_field_value', field: 'mcp_servers' });
    expect(failure(ep, json({ ...extra, mcp_servers: null }))).toBeNull();
    expect(failure(ep, form({ model: 'model-a', messages: '[]', extra: 'x' }))).toMatchObject({ code: 'invalid_field_value', field: 'extra' });
    expect(failure(ep, form({ model: 'model-a', messages: '[]' }, ['upload']))).toMatchObject({ code: 'invalid_field_value', field: 'upload' });
    const open = Endpoint.parse({ method: 'POST', path: '/v1/x', title: 'x', price: { sats: 1 }, validation: { other_fields: 'pass' } });
    expect(failure(open, json(extra))).toBeNull();
  });

  it('checks the query and the client headers when given them', () => {
    const api = Api.parse({
      name: 'x', title: 'X', upstream: { base_url: 'https://x.example', auth: { key_env: 'K' }, client_headers: { namespaces: ['openai-'], allow: ['openai-beta'] } },
      endpoints: [{ method: 'POST', path: '/v1/x', title: 'x', price: { sats: 1 }, validation: { query: ['limit'] } }],
    });
    const ep1 = api.endpoints[0]!;
    const body = json({});
    expect(failure(ep1, body, { api, headers: { 'user-agent': 'x', 'openai-beta': 'assistants=v2' }, search: '?limit=1' })).toBeNull();
    expect(failure(ep1, body, { api, headers: { 'OpenAI-Project': 'proj_x' }, search: '' })).toMatchObject({ code: 'invalid_field_value', field: 'openai-project' });
    expect(failure(ep1, body, { api, headers: { 'openai-organization': 'org-x' }, search: '' })).toMatchObject({ code: 'invalid_field_value', field: 'openai-organization' });
    expect(failure(ep1, body, { api, headers: {}, search: '?limit=1&beta=true' })).toMatchObject({ code: 'invalid_field_value', field: 'query' });
    expect(failure(ep1, body)).toBeNull(); // without them, only the body is checked
  });

  it('refuses a body that is not a JSON object as a type error on "body"', () => {
    for (const body of [[], 'text', 42, null, true]) {
      expect(failure(ep, json(body))).toMatchObject({ code: 'invalid_field_type', field: 'body' });
    }
  });

  it('requires the model, with a type and a value check derived from the prices', () => {
    expect(failure(ep, json({ messages: [] }))).toMatchObject({ code: 'missing_required_field', field: 'model' });
    expect(failure(ep, json({ model: null, messages: [] }))).toMatchObject({ code: 'missing_required_field', field: 'model' });
    expect(failure(ep, json({ model: 7, messages: [] }))).toMatchObject({ code: 'invalid_field_type', field: 'model' });
    const unknown = failure(ep, json({ model: 'gpt-9', messages: [] }));
    expect(unknown).toMatchObject({ code: 'invalid_field_value', field: 'model' });
    expect(unknown?.message).toContain("'model-a', 'model-b'");
    expect(failure(ep, json({ model: 'toString', messages: [] }))).toMatchObject({ code: 'invalid_field_value', field: 'model' });
  });

  it('lets a price with a default_model leave the model out', () => {
    const withDefault = endpoint({}, [], { models: { 'model-a': 1 }, default_model: 'model-a' });
    expect(failure(withDefault, json({}))).toBeNull();
    expect(failure(withDefault, json({ model: 'model-z' }))).toMatchObject({ code: 'invalid_field_value', field: 'model' });
  });

  it('uses model_field when the price names another field', () => {
    const ep2 = endpoint({}, [], { models: { v1: 1 }, model_field: 'engine' });
    expect(failure(ep2, json({ engine: 'v1' }))).toBeNull();
    expect(failure(ep2, json({ model: 'v1' }))).toMatchObject({ code: 'missing_required_field', field: 'engine' });
  });

  it('checks required fields (null counts as missing) and nothing for a fixed price', () => {
    const fixed = endpoint({}, ['prompt'], { sats: 5 });
    expect(failure(fixed, json({ prompt: '' }))).toBeNull();
    expect(failure(fixed, json({}))).toMatchObject({ code: 'missing_required_field', field: 'prompt' });
    expect(failure(fixed, json({ prompt: null }))).toMatchObject({ code: 'missing_required_field', field: 'prompt' });
  });

  it('does nothing for an endpoint without a body', () => {
    expect(failure(endpoint({}, ['x'], { sats: 0 }, 'none'), { kind: 'none' })).toBeNull();
  });
});

describe('validateRequest: field rules in JSON', () => {
  const fixed = (fields: Record<string, FieldRule>): Endpoint => endpoint(fields, [], { sats: 1 });
  const check = (rule: FieldRule, value: unknown): string | null => failure(fixed({ f: rule }), json({ f: value }))?.code ?? null;

  it('types', () => {
    expect(check({ type: 'string' }, 'x')).toBeNull();
    expect(check({ type: 'string' }, 1)).toBe('invalid_field_type');
    expect(check({ type: 'integer' }, 3)).toBeNull();
    expect(check({ type: 'integer' }, 3.5)).toBe('invalid_field_type');
    expect(check({ type: 'integer' }, '3')).toBe('invalid_field_type');
    expect(check({ type: 'number' }, 3.5)).toBeNull();
    expect(check({ type: 'number' }, '3.5')).toBe('invalid_field_type');
    expect(check({ type: 'boolean' }, false)).toBeNull();
    expect(check({ type: 'boolean' }, 'true')).toBe('invalid_field_type');
    expect(check({ type: 'array' }, [])).toBeNull();
    expect(check({ type: 'array' }, {})).toBe('invalid_field_type');
    expect(check({ type: 'object' }, {})).toBeNull();
    expect(check({ type: 'object' }, [])).toBe('invalid_field_type');
    expect(check({ type: 'file' }, 'data')).toBe('invalid_field_type');
    expect(check({ type: ['string', 'array'] }, ['a'])).toBeNull();
    expect(check({ type: ['string', 'array'] }, 'a')).toBeNull();
    expect(check({ type: ['string', 'array'] }, 4)).toBe('invalid_field_type');
  });

  it('an OpenAI-style message names the field and both types', () => {
    expect(failure(fixed({ messages: { type: 'array' } }), json({ messages: 'hi' }))?.message).toBe(
      "Invalid type for 'messages': expected an array, but got a string instead.",
    );
  });

  it('absent and null optional fields pass', () => {
    expect(failure(fixed({ f: { type: 'integer', min: 1 } }), json({}))).toBeNull();
    expect(check({ type: 'integer', min: 1 }, null)).toBeNull();
  });

  it('enum', () => {
    expect(check({ type: 'string', enum: ['alloy', 'echo'] }, 'echo')).toBeNull();
    expect(check({ type: 'string', enum: ['alloy', 'echo'] }, 'robot')).toBe('invalid_field_value');
    expect(check({ type: 'boolean', enum: [false] }, true)).toBe('invalid_field_value');
    expect(check({ type: 'integer', enum: [1, 2] }, 2)).toBeNull();
  });

  it('min and max, inclusive', () => {
    const rule: FieldRule = { type: 'number', min: 0, max: 2 };
    expect(check(rule, 0)).toBeNull();
    expect(check(rule, 2)).toBeNull();
    expect(check(rule, -0.1)).toBe('invalid_field_value');
    expect(check(rule, 2.01)).toBe('invalid_field_value');
    expect(failure(fixed({ temperature: rule }), json({ temperature: 5 }))?.message).toContain('<= 2, but got 5');
  });

  it('string lengths in characters', () => {
    const rule: FieldRule = { type: 'string', min_length: 2, max_length: 3 };
    expect(check(rule, 'ab')).toBeNull();
    expect(check(rule, '😀😀😀')).toBeNull(); // three characters, six UTF-16 units
    expect(check(rule, 'a')).toBe('invalid_field_value');
    expect(check(rule, 'abcd')).toBe('invalid_field_value');
  });

  it('array items', () => {
    const rule: FieldRule = { type: 'array', min_items: 1, max_items: 2 };
    expect(check(rule, [1])).toBeNull();
    expect(check(rule, [])).toBe('invalid_field_value');
    expect(check(rule, [1, 2, 3])).toBe('invalid_field_value');
  });

  it('item types: only the tool types a price covers', () => {
    const openai: FieldRule = { type: 'array', item_types: ['function'] };
    expect(check(openai, [{ type: 'function', function: { name: 'f' } }])).toBeNull();
    for (const hosted of [{ type: 'web_search' }, { type: 'mcp', server_url: 'https://x' }, {}, 'function', null, { type: ['function'] }]) {
      expect(check(openai, [{ type: 'function' }, hosted]), JSON.stringify(hosted)).toBe('invalid_field_value');
    }
    const anthropic: FieldRule = { type: 'array', item_types: [null, 'custom'] };
    expect(check(anthropic, [{ name: 'f', input_schema: {} }, { type: 'custom', name: 'g' }, { type: null, name: 'h' }])).toBeNull();
    const server = failure(fixed({ tools: anthropic }), json({ tools: [{ name: 'f' }, { type: 'web_search_20250305', name: 'web_search' }] }));
    expect(server).toMatchObject({ code: 'invalid_field_value', field: 'tools' });
    expect(server?.message).toContain("tools[1] has type 'web_search_20250305'");
  });

  it('reports the first failing rule in catalog order, required fields first', () => {
    const ep = endpoint({ a: { type: 'string' }, b: { type: 'string' } }, ['c'], { sats: 1 });
    expect(failure(ep, json({ a: 1, b: 2 }))).toMatchObject({ code: 'missing_required_field', field: 'c' });
    expect(failure(ep, json({ a: 1, b: 2, c: 0 }))).toMatchObject({ code: 'invalid_field_type', field: 'a' });
  });
});

describe('validateRequest: multipart fields', () => {
  const ep = endpoint(
    {
      file: { type: 'file' },
      temperature: { type: 'number', min: 0, max: 1 },
      n: { type: 'integer', min: 1 },
      stream: { type: 'boolean' },
      response_format: { type: 'string', enum: ['json', 'text'] },
      chunking: { type: ['string', 'object'] },
    },
    ['file'],
    { models: { 'whisper-1': 60 } },
    'multipart',
  );

  it('accepts text values read as their rule type', () => {
    expect(failure(ep, form({ model: 'whisper-1', temperature: '0.2', n: '2', stream: 'false', response_format: 'text', chunking: '{"type":"auto"}' }, ['file']))).toBeNull();
  });

  it('requires the file part and the model', () => {
    expect(failure(ep, form({ model: 'whisper-1' }))).toMatchObject({ code: 'missing_required_field', field: 'file' });
    expect(failure(ep, form({}, ['file']))).toMatchObject({ code: 'missing_required_field', field: 'model' });
    expect(failure(ep, form({ model: 'whisper-2' }, ['file']))).toMatchObject({ code: 'invalid_field_value', field: 'model' });
  });

  it('refuses a text field where a file belongs, and a file where text belongs', () => {
    expect(failure(ep, form({ model: 'whisper-1', file: 'not a file' }))).toMatchObject({ code: 'invalid_field_type', field: 'file' });
    expect(failure(ep, form({ model: 'whisper-1' }, ['file', 'temperature']))).toMatchObject({ code: 'invalid_field_type', field: 'temperature' });
    expect(failure(ep, form({}, ['file', 'model']))).toMatchObject({ code: 'invalid_field_type', field: 'model' });
  });

  it('checks types, ranges and enums on text values', () => {
    const base = { model: 'whisper-1' };
    expect(failure(ep, form({ ...base, temperature: 'hot' }, ['file']))).toMatchObject({ code: 'invalid_field_type', field: 'temperature' });
    expect(failure(ep, form({ ...base, temperature: '1.5' }, ['file']))).toMatchObject({ code: 'invalid_field_value', field: 'temperature' });
    expect(failure(ep, form({ ...base, n: '1.5' }, ['file']))).toMatchObject({ code: 'invalid_field_type', field: 'n' });
    expect(failure(ep, form({ ...base, n: '0' }, ['file']))).toMatchObject({ code: 'invalid_field_value', field: 'n' });
    expect(failure(ep, form({ ...base, stream: 'yes' }, ['file']))).toMatchObject({ code: 'invalid_field_type', field: 'stream' });
    expect(failure(ep, form({ ...base, response_format: 'xml' }, ['file']))).toMatchObject({ code: 'invalid_field_value', field: 'response_format' });
    expect(failure(ep, form({ ...base, chunking: 'auto' }, ['file']))).toBeNull();
  });

  it('checks every value of a list field (name[])', () => {
    const listed = endpoint({ file: { type: 'file' }, 'granularity[]': { type: 'string', enum: ['word', 'segment'] } }, ['file'], { models: { 'whisper-1': 60 } }, 'multipart');
    const withList = (values: string[]): RequestInput => ({
      kind: 'multipart',
      parts: { fields: { model: 'whisper-1', 'granularity[]': values.at(-1)! }, lists: { 'granularity[]': values }, files: [{ field: 'file', filename: 'a.mp3', mimeType: 'audio/mpeg', size: 3 }] },
    });
    expect(failure(listed, withList(['word', 'segment']))).toBeNull();
    expect(failure(listed, withList(['paragraph', 'word']))).toMatchObject({ code: 'invalid_field_value', field: 'granularity[]' });
  });
});
