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
    const models = Object.assign({}, ...openai.endpoints.map((e) => e.models ?? {})) as Record<string, number>;
    for (const m of ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small', 'tts-1', 'whisper-1', 'dall-e-3', 'omni-moderation-latest']) {
      expect(models[m], m).toBeGreaterThan(0);
    }
    expect(openai.endpoints.find((e) => e.path === '/api/v1/openai/v1/models')?.free).toBe(true);
  });

  it('serves no secrets and no upstream details', () => {
    const text = JSON.stringify(toPublicCatalog(parseCatalog(shipped)));
    expect(text).not.toMatch(/api\.openai\.com|OPENAI_API_KEY|key_env|base_url/);
  });

  it('names the file, the key path and the problem', () => {
    const broken = shipped.replace(/post_task_sats: 50/, 'post_task_sats: -3');
    expect(() => parseCatalog(broken, 'my.yaml')).toThrow(/my\.yaml: invalid catalog:\n {2}hire\.post_task_sats: /);
    const badPrice = shipped.replace('gpt-4o-mini: 30', 'gpt-4o-mini: "thirty"');
    expect(() => parseCatalog(badPrice)).toThrow(/apis\[0\]\.endpoints\[0\]\.price/);
    expect(() => parseCatalog('apis: [')).toThrow(/not valid YAML/);
    expect(() => loadCatalog('/nonexistent/config.yaml')).toThrow(CatalogError);
  });
});
