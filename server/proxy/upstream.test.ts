import { afterEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../contract/catalog.js';
import { shippedCatalog } from './testing.js';
import { createUpstreams, type Upstreams } from './upstream.js';

const catalog = shippedCatalog();
let upstreams: Upstreams | undefined;
afterEach(async () => {
  await upstreams?.close();
  upstreams = undefined;
});

function build(env: Record<string, string | undefined>, c: Catalog = catalog): Upstreams {
  upstreams = createUpstreams(c, env);
  return upstreams;
}

describe('createUpstreams', () => {
  it('takes the origin from config, or from the env variable config names', () => {
    expect(build({}).get('openai')).toMatchObject({ origin: 'https://api.openai.com', basePath: '' });
    const overridden = build({ OPENAI_BASE_URL: 'http://127.0.0.1:9999/gateway/' }).get('openai');
    expect(overridden).toMatchObject({ origin: 'http://127.0.0.1:9999', basePath: '/gateway' });
  });

  it('builds the key header from the env variable config names, with or without a scheme', () => {
    const u = build({ OPENAI_API_KEY: ' sk-1 ', ANTHROPIC_API_KEY: 'sk-ant' });
    expect(u.get('openai')?.auth).toEqual(['Authorization', 'Bearer sk-1']);
    expect(u.get('anthropic')?.auth).toEqual(['x-api-key', 'sk-ant']);
    expect(u.get('anthropic')?.extraHeaders).toEqual({ 'anthropic-version': '2023-06-01' });
  });

  it('has no key header when the variable is unset or blank', () => {
    const u = build({ OPENAI_API_KEY: '   ' });
    expect(u.get('openai')?.auth).toBeNull();
    expect(u.get('anthropic')?.auth).toBeNull();
  });

  it('shares one pool per origin', () => {
    const u = build({ OPENAI_BASE_URL: 'http://127.0.0.1:9999', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999/x' });
    expect(u.get('openai')?.pool).toBe(u.get('anthropic')?.pool);
    const apart = build({ OPENAI_BASE_URL: 'http://127.0.0.1:9998' });
    expect(apart.get('openai')?.pool).not.toBe(apart.get('anthropic')?.pool);
  });

  it('refuses base URLs that are not plain http(s) origins, naming the variable', () => {
    expect(() => createUpstreams(catalog, { OPENAI_BASE_URL: 'api.openai.com' })).toThrow(/OPENAI_BASE_URL is not a URL/);
    expect(() => createUpstreams(catalog, { OPENAI_BASE_URL: 'file:///etc/passwd' })).toThrow(/http\(s\)/);
    expect(() => createUpstreams(catalog, { OPENAI_BASE_URL: 'https://user:pw@api.openai.com' })).toThrow(/no credentials/);
    expect(() => createUpstreams(catalog, { OPENAI_BASE_URL: 'https://api.openai.com/?x=1' })).toThrow(/no credentials, query/);
  });

  it('uses the upstream timeout in ms and the hidden response headers from config', () => {
    const openai = build({}).get('openai');
    expect(openai?.timeoutMs).toBe(120_000);
    expect([...(openai?.hiddenResponseHeaders ?? [])]).toEqual(['openai-organization', 'openai-project']);
  });
});
