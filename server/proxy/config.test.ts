// The shipped config.yaml against the schema and against its own examples.
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { priceOf } from './price.js';
import { exampleInput, shippedCatalog } from './testing.js';
import { validateRequest } from './validate.js';
import { inputFields } from './body.js';

const catalog = shippedCatalog();
const endpoints = catalog.apis.flatMap((api) => api.endpoints.map((endpoint) => ({ api, endpoint, name: `${api.name} ${endpoint.method} ${endpoint.path}` })));

function errorOf(fn: () => void): AppError | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  return undefined;
}

describe('config.yaml', () => {
  it('parses with the Catalog schema and prices the models the contract names', () => {
    const openai = catalog.apis.find((a) => a.name === 'openai');
    const models = (path: string): string[] => {
      const price = openai?.endpoints.find((e) => e.path === path)?.price;
      return price && 'models' in price ? Object.keys(price.models) : [];
    };
    expect(models('/v1/chat/completions')).toEqual(expect.arrayContaining(['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini']));
    expect(models('/v1/embeddings')).toContain('text-embedding-3-small');
    expect(models('/v1/audio/speech')).toContain('tts-1');
    expect(models('/v1/audio/transcriptions')).toContain('whisper-1');
    expect(models('/v1/audio/translations')).toContain('whisper-1');
    expect(models('/v1/images/generations')).toContain('dall-e-3');
    expect(models('/v1/moderations')).toContain('omni-moderation-latest');
    expect(catalog.apis.map((a) => a.name)).toEqual(['openai', 'anthropic']);
  });

  it('every endpoint has an example', () => {
    expect(endpoints.filter(({ endpoint }) => !endpoint.example).map((e) => e.name)).toEqual([]);
  });

  it.each(endpoints)('$name: the example passes validation and has a price', ({ endpoint }) => {
    const example = endpoint.example!;
    expect(example.content_type).toBe(endpoint.content_type);
    const input = exampleInput(example.content_type, example.body, example.fields);
    validateRequest(endpoint, input);
    const price = priceOf(endpoint, inputFields(input));
    expect(price.priceSats).toBeGreaterThanOrEqual(0);
  });

  it.each(endpoints.filter(({ endpoint }) => endpoint.example?.e2e))('$name: the e2e cases fail as declared', ({ endpoint }) => {
    const example = endpoint.example!;
    const e2e = example.e2e!;
    const invalid = exampleInput(example.content_type, e2e.invalid.body, e2e.invalid.fields);
    expect(errorOf(() => validateRequest(endpoint, invalid))?.code).toBe(e2e.expect_error);

    if (e2e.required_field) {
      const field = e2e.required_field;
      const body = example.body && Object.fromEntries(Object.entries(example.body).filter(([k]) => k !== field));
      const fields = example.fields && Object.fromEntries(Object.entries(example.fields).filter(([k]) => k !== field));
      const missing = errorOf(() => validateRequest(endpoint, exampleInput(example.content_type, body, fields)));
      expect(missing?.code).toBe('missing_required_field');
      expect(missing?.details.field).toBe(field);
    }
  });

  it('the schema refuses empty or dot segments in endpoint paths', () => {
    const raw = { apis: [{ name: 'x', title: 'X', upstream: { base_url: 'https://x.example', auth: { key_env: 'K' } }, endpoints: [] as unknown[] }] };
    const withPath = (path: string): unknown => ({ ...raw, apis: [{ ...raw.apis[0], endpoints: [{ method: 'GET', path, title: 't', price: { sats: 0 } }] }] });
    expect(Catalog.safeParse(withPath('/v1/models')).success).toBe(true);
    for (const bad of ['/v1//models', '/v1/models/', '/v1/../models', '/v1/./models', '/v1/%2e%2e']) {
      expect(Catalog.safeParse(withPath(bad)).success, bad).toBe(false);
    }
  });

  it('is an allow-list: every endpoint refuses fields without a rule and takes no query string', () => {
    for (const { endpoint, name } of endpoints) {
      expect(endpoint.validation.other_fields, name).toBe('refuse');
      expect(endpoint.validation.query, name).toEqual([]);
    }
    const tools = (api: string, path: string) => catalog.apis.find((a) => a.name === api)?.endpoints.find((e) => e.path === path)?.validation.fields.tools?.item_types;
    expect(tools('openai', '/v1/chat/completions')).toEqual(['function']);
    expect(tools('openai', '/v1/responses')).toEqual(['function']);
    expect(tools('anthropic', '/v1/messages')).toEqual([null, 'custom']);
    expect(catalog.apis.map((a) => a.upstream.client_headers.namespaces)).toEqual([['openai-'], ['anthropic-']]);
  });

  it('the schema refuses a default_model that is not priced', () => {
    const price = { models: { a: 1 }, default_model: 'b' };
    const catalogWith = { apis: [{ name: 'x', title: 'X', upstream: { base_url: 'https://x.example', auth: { key_env: 'K' } }, endpoints: [{ method: 'POST', path: '/v1/x', title: 't', price }] }] };
    expect(Catalog.safeParse(catalogWith).success).toBe(false);
    price.default_model = 'a';
    expect(Catalog.safeParse(catalogWith).success).toBe(true);
  });
});
