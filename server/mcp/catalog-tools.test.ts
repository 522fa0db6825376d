// The tools generated from the shipped catalog: valid JSON Schemas that take the catalog's own
// examples and refuse what the catalog refuses by type or value; names and prices.
import { readFileSync } from 'node:fs';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation/types.js';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../catalog.js';
import type { PaidCalls } from '../payments/paid-call.js';
import { catalogTools, endpointPrice } from './catalog-tools.js';

const catalog = parseCatalog(readFileSync('config.yaml', 'utf8'));
const unused = (() => {
  throw new Error('not called here');
}) as unknown as PaidCalls;
const tools = catalogTools(catalog, { paidCall: unused });
const ajv = new AjvJsonSchemaValidator();

describe('the catalog tools', () => {
  const endpoints = catalog.apis.flatMap((api) => api.endpoints.filter((ep) => ep.content_type !== 'multipart').map((ep) => ({ api, ep })));

  it('one per JSON (or bodiless) endpoint, named after the API and the path without its version', () => {
    expect(tools.map((t) => t.name)).toEqual([
      'openai_chat_completions',
      'openai_responses',
      'openai_embeddings',
      'openai_audio_speech',
      'openai_images_generations',
      'openai_moderations',
      'openai_models',
      'anthropic_messages',
    ]);
    expect(tools).toHaveLength(endpoints.length);
  });

  it("takes every endpoint's example and refuses its invalid example when the catalog refuses it by type or value", () => {
    endpoints.forEach(({ ep }, i) => {
      const validate = ajv.getValidator(tools[i]!.inputSchema as JsonSchemaType);
      if (ep.example?.body) expect(validate(ep.example.body).valid, `${ep.path}: ${validate(ep.example.body).errorMessage}`).toBe(true);
      const invalid = ep.example?.e2e?.invalid.body;
      if (invalid && ['invalid_field_type', 'invalid_field_value'].includes(ep.example!.e2e!.expect_error)) expect(validate(invalid).valid, ep.path).toBe(false);
      // a required field left out is refused too
      const required = ep.example?.e2e?.required_field;
      if (ep.example?.body && required) {
        const { [required]: _gone, ...rest } = ep.example.body;
        expect(validate(rest).valid, `${ep.path} without ${required}`).toBe(false);
      }
    });
  });

  it('prices: flat, per model, metered with the most one call costs, free', () => {
    const byPath = (path: string) => endpoints.find((e) => e.ep.path === path)!.ep;
    expect(endpointPrice(byPath('/v1/models'))).toEqual({ free: true, summary: 'free' });
    expect(endpointPrice(byPath('/v1/moderations'))).toMatchObject({ free: false, max_sats: 1, short: '1 sats per call by model' });
    const embeddings = endpointPrice(byPath('/v1/embeddings'));
    // 300,000 input tokens at 130 sats per million: 39 sats at most
    expect(embeddings).toMatchObject({ max_sats: 39, short: 'metered by tokens, up to 39 sats per call' });
    expect(embeddings.summary).toContain('text-embedding-3-small: 20 sats per 1M input tokens; up to 6 sats per call');
  });
});
