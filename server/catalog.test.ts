import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toPublicCatalog } from '../contract/catalog.js';
import { CatalogError, loadCatalog, parseCatalog } from './catalog.js';

const shipped = readFileSync('config.yaml', 'utf8');

describe('the catalog loader', () => {
  it('accepts the shipped config.yaml and prices the models the contract names', () => {
    const c = parseCatalog(shipped);
    const pub = toPublicCatalog(c);
    const openai = pub.apis.find((a) => a.name === 'openai')!;
    const models = Object.assign({}, ...openai.endpoints.map((e) => e.models ?? {})) as Record<string, number | { input_sats_per_mtok: number }>;
    for (const m of ['tts-1', 'whisper-1', 'dall-e-3', 'omni-moderation-latest']) expect(models[m], m).toBeGreaterThan(0);
    // chat, responses, embeddings and Anthropic messages are metered (contract, "Metered prices")
    for (const m of ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']) expect((models[m] as { input_sats_per_mtok: number }).input_sats_per_mtok, m).toBeGreaterThan(0);
    const anthropic = pub.apis.find((a) => a.name === 'anthropic')!;
    const claude = anthropic.endpoints[0]!.models!;
    for (const m of ['claude-haiku-4-5', 'claude-sonnet-4-5']) expect(claude[m], m).toMatchObject({ output_sats_per_mtok: expect.any(Number), max_output_tokens: expect.any(Number) });
    expect(openai.endpoints.find((e) => e.path === '/api/v1/openai/v1/models')?.free).toBe(true);
  });

  it('serves no secrets and no upstream details', () => {
    const text = JSON.stringify(toPublicCatalog(parseCatalog(shipped)));
    expect(text).not.toMatch(/api\.openai\.com|OPENAI_API_KEY|key_env|base_url/);
  });

  it('names the file, the key path and the problem', () => {
    const broken = shipped.replace(/post_task_sats: 50/, 'post_task_sats: -3');
    expect(() => parseCatalog(broken, 'my.yaml')).toThrow(/my\.yaml: invalid catalog:\n {2}hire\.post_task_sats: /);
    const badPrice = shipped.replace('gpt-4o-mini:  { input_sats_per_mtok: 150,', 'gpt-4o-mini:  { input_sats_per_mtok: "thirty",');
    expect(badPrice).not.toBe(shipped);
    // a price none of the shapes takes is explained by the shape it came closest to, not "Invalid input"
    expect(() => parseCatalog(badPrice)).toThrow(/apis\[0\]\.endpoints\[0\]\.price\.models\.gpt-4o-mini\.input_sats_per_mtok: .*expected number/);
    const noLimit = shipped.replace('output_sats_per_mtok: 600,   max_output_tokens: 16384,', 'output_sats_per_mtok: 600,');
    expect(noLimit).not.toBe(shipped);
    expect(() => parseCatalog(noLimit)).toThrow(/price\.models\.gpt-4o-mini\.max_output_tokens: .*expected number, received undefined/);
    for (const wrong of ['"120 sats"', '1.5', '-3']) {
      const flat = shipped.replace('sats: 0               # free', `sats: ${wrong}               # free`);
      expect(flat).not.toBe(shipped);
      expect(() => parseCatalog(flat), wrong).toThrow(/\.price\.sats: a whole number of sats(, 0 or more)?$/m);
    }
    const noUsage = shipped.replace('usage: openai-chat', '');
    expect(() => parseCatalog(noUsage)).toThrow(/metered models need `usage`/);
    expect(() => parseCatalog('apis: [')).toThrow(/not valid YAML/);
    // the example's e2e case: a code of the contract, a field the endpoint requires
    expect(() => parseCatalog(shipped.replace('required_field: messages', 'required_field: mesages'))).toThrow(/example\.e2e\.required_field: "mesages" is not in validation\.required \(model, messages\)/);
    expect(() => parseCatalog(shipped.replace(/expect_error: invalid_field_type/, 'expect_error: invalid_field_typ'))).toThrow(/example\.e2e\.expect_error: "invalid_field_typ" is not an error code of the contract/);
    expect(() => loadCatalog('/nonexistent/config.yaml')).toThrow(CatalogError);
  });
});
