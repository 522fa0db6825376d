// `npm start` as an operator runs it: a child process on its defaults (the in-process
// development node), graceful SIGTERM, the audit command beside it, no secrets in the logs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream/server.js';
import { call } from './testing/harness.js';
import { runScript, startChildServer } from './testing/process.js';
import { createPostgresSchema } from './store/testing.js';

describe('the server process', () => {
  let up: FakeUpstream;
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'abl-main-'));
  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: 'sk-main', slowChunkMs: 300 });
    schema = await createPostgresSchema();
  });
  afterAll(async () => {
    await up.close();
    await schema.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves on the development node, audits beside it, stops gracefully on SIGTERM, logs no secrets', async () => {
    const env = { DATABASE_URL: schema.url, ABL_DATA_DIR: dataDir, OPENAI_API_KEY: 'sk-main', OPENAI_BASE_URL: up.url, ABL_RATE_LIMIT: '0' };
    const s = await startChildServer(env);
    try {
      const health = await call(s.url, 'GET', '/api/v1/health');
      expect(health.body).toMatchObject({ status: 'ok', wallet: 'devnode', store: 'postgres', upstreams: { openai: 'configured', anthropic: 'demo' } });
      // start-up says where to go and what is configured (the summary is printed once the server listens)
      await expect.poll(() => s.output()).toContain(`alittlebitofmoney is ready — open ${s.url}`);
      expect(s.output()).toMatch(/openai: configured \(OPENAI_API_KEY is set\)/);
      expect(s.output()).toMatch(/anthropic: DEMO — ANTHROPIC_API_KEY is not set/);

      const created = await call(s.url, 'POST', '/api/v1/topup', { body: { amount_sats: 500 } });
      const paid = await call(s.url, 'POST', '/api/v1/dev/pay', { body: { invoice: created.body.invoice } });
      expect(paid.body.preimage).toMatch(/^[0-9a-f]{64}$/);
      const claimed = await call(s.url, 'POST', '/api/v1/topup/claim', { body: { preimage: paid.body.preimage } });
      const token = claimed.body.token as string;
      expect(claimed.body.balance_sats).toBe(500);

      const audit = await runScript(['scripts/ledger-audit.ts'], env);
      expect(audit.code).toBe(0);
      expect(audit.output).toMatch(/ledger audit: OK/);
      expect(audit.output).toMatch(/deposits\s+500 sats/);

      // a slow stream is in flight when SIGTERM arrives: it finishes, then the process exits 0
      const upstreamBefore = up.requests();
      const inflight = call(s.url, 'POST', '/api/v1/openai/v1/chat/completions', {
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow please' }], stream: true },
        headers: { 'x-token': token, 'x-fake-behavior': 'slow' },
      });
      await expect.poll(() => up.requests(), { timeout: 10_000 }).toBe(upstreamBefore + 1); // forwarded: in flight
      s.child.kill('SIGTERM');
      const res = await inflight;
      expect(res.status).toBe(200);
      expect(String(res.body)).toContain('data: [DONE]');
      const code = await s.exited;
      if (code !== 0) console.log(s.output().split("\n").slice(-8).join("\n"));
      expect(code).toBe(0);

      const log = s.output();
      expect(log).not.toContain(token);
      expect(log).not.toContain(paid.body.preimage);
      expect(log).not.toContain('sk-main');

      const after = await runScript(['scripts/ledger-audit.ts'], env);
      expect(after.code).toBe(0);
      // the metered stream finished during the shutdown and was charged its usage, to the millisat
      const revenue = Number(/revenue\s+\d+ sats\s+\((\d+) msat\)/.exec(after.output)?.[1]);
      const balances = Number(/user balances\s+\d+ sats\s+\((\d+) msat\)/.exec(after.output)?.[1]);
      expect(revenue).toBeGreaterThan(0);
      expect(balances).toBe(500_000 - revenue);
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('refuses to start on a broken catalog, naming the file and key', async () => {
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'apis:\n  - name: Bad Name\n');
    const r = await runScript(['server/main.ts'], { ABL_CONFIG: bad, DATABASE_URL: schema.url, ABL_DATA_DIR: dataDir, PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.output).toContain(`${bad}: invalid catalog`);
    expect(r.output).toMatch(/apis\[0\]\.name/);
  });

  it('refuses a malformed L402_ROOT_KEY', async () => {
    const r = await runScript(['server/main.ts'], { L402_ROOT_KEY: 'abc', DATABASE_URL: schema.url, ABL_DATA_DIR: dataDir, PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/L402_ROOT_KEY: must be 64 hex characters/);
  });
});
