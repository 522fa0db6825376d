// The catalog suite against a real server on PostgreSQL, paid through the development node, with
// the fake upstream behind it: no check fails, every catalog endpoint is exercised, and the ledger
// audit is clean afterwards.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicCatalog } from '../../contract/catalog.js';
import { startFakeUpstream, type FakeUpstream } from '../../server/testing/fake-upstream/server.js';
import { call, startTestServer, type TestServer } from '../../server/testing/harness.js';
import { runCatalogE2E } from './suite.js';

describe('catalog end-to-end suite', () => {
  let up: FakeUpstream;
  let t: TestServer;

  beforeAll(async () => {
    const key = `sk-e2e-${randomBytes(12).toString('hex')}`;
    up = await startFakeUpstream({ apiKey: key });
    t = await startTestServer({
      store: 'postgres',
      env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: up.url, ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: up.url },
    });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  it('passes every check of every catalog endpoint, and leaves the ledger balanced', async () => {
    const lines: string[] = [];
    const result = await runCatalogE2E({
      baseUrl: t.url,
      payInvoice: (bolt11) => t.pay(bolt11),
      log: (line) => lines.push(line),
      audit: () => t.server.ledger.audit(),
    });
    const output = lines.join('\n');
    expect(result.failed, output).toBe(0);
    expect(result.passed, output).toBeGreaterThan(0);

    const catalog = (await call(t.url, 'GET', '/api/v1/catalog')).body as PublicCatalog;
    const count = catalog.apis.reduce((n, api) => n + api.endpoints.length, 0);
    expect(result.endpoints).toHaveLength(count);
    expect(result.exercised, output).toHaveLength(count);
    // the ledger line ran (not skipped) and the store agrees once the suite is over
    expect(result.records.find((r) => r.name === 'ledger audit')?.outcome).toBe('PASS');
    const audit = await t.server.ledger.audit();
    expect(audit.problems).toEqual([]);
    expect(audit.ok).toBe(true);
  }, 60_000);
});
