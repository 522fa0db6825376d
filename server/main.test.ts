// `npm start` as an operator runs it: a child process on its defaults (the in-process
// development node), graceful SIGTERM, the audit command beside it, no secrets in the logs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream/server.js';
import { call } from './testing/harness.js';
import { runScript, startChildServer } from './testing/process.js';
import { createPostgresSchema } from './store/testing.js';

const devPay = async (url: string, invoice: string): Promise<string> => (await call(url, 'POST', '/api/v1/dev/pay', { body: { invoice } })).body.preimage as string;

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

  it('`npm start` stops its server on SIGTERM; a second server on the same embedded store is refused', async () => {
    const own = mkdtempSync(join(tmpdir(), 'abl-npm-'));
    const env = { ABL_DATA_DIR: own, DATABASE_URL: '', OPENAI_API_KEY: 'sk-main', OPENAI_BASE_URL: up.url, ABL_RATE_LIMIT: '0' };
    const s = await startChildServer(env, 90_000, { viaNpm: true });
    const serverPid = (JSON.parse(readFileSync(join(own, 'admin-link.json'), 'utf8')) as { pid: number }).pid;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      const created = await call(s.url, 'POST', '/api/v1/topup', { body: { amount_sats: 100 } });
      const claimed = await call(s.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await devPay(s.url, created.body.invoice) } });
      expect(claimed.status).toBe(200);
      // PGlite's files can be written by one process only: a second server is refused before it opens them
      const second = await runScript(['server/main.ts'], { ...env, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.output).toContain(`is open in another process (pid ${serverPid})`);
      // …and leaves the running server's admin link alone: the operator's commands still reach it
      const audit = await runScript(['scripts/ledger-audit.ts'], env);
      expect(audit.output).toMatch(/ledger audit: OK/);
      expect((await call(s.url, 'GET', '/api/v1/balance', { headers: { 'x-token': claimed.body.token } })).body.balance_sats).toBe(100);

      // SIGTERM to npm reaches the server (not left running without its parent), which stops gracefully
      s.child.kill('SIGTERM');
      await s.exited;
      await expect.poll(() => alive(serverPid), { timeout: 20_000 }).toBe(false);
      expect(s.output()).toMatch(/"signal":"SIGTERM".*"msg":"shutting down"/);
      // its lock went with it: the next server opens the store, the token still there
      const next = await startChildServer(env);
      try {
        expect((await call(next.url, 'GET', '/api/v1/balance', { headers: { 'x-token': claimed.body.token } })).body.balance_sats).toBe(100);
        // a closed terminal (SIGHUP) stops it gracefully too
        next.child.kill('SIGHUP');
        expect(await next.exited).toBe(0);
        expect(next.output()).toMatch(/"signal":"SIGHUP".*"msg":"shutting down"/);
      } finally {
        next.child.kill('SIGKILL');
      }
    } finally {
      s.child.kill('SIGKILL');
      if (alive(serverPid)) process.kill(serverPid, 'SIGKILL');
      rmSync(own, { recursive: true, force: true });
    }
  }, 180_000);

  it('cuts the calls still running when the shutdown grace is up: answered, nothing charged, no hold left', async () => {
    const own = mkdtempSync(join(tmpdir(), 'abl-grace-'));
    const env = { ABL_DATA_DIR: own, DATABASE_URL: '', OPENAI_API_KEY: 'sk-main', OPENAI_BASE_URL: up.url, ABL_RATE_LIMIT: '0', ABL_SHUTDOWN_GRACE_MS: '500' };
    const s = await startChildServer(env);
    try {
      const created = await call(s.url, 'POST', '/api/v1/topup', { body: { amount_sats: 500 } });
      const token = (await call(s.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await devPay(s.url, created.body.invoice) } })).body.token as string;
      const before = up.requests();
      const hanging = call(s.url, 'POST', '/api/v1/openai/v1/chat/completions', {
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'never answered' }] },
        headers: { 'x-token': token, 'x-fake-behavior': 'hang' },
      });
      await expect.poll(() => up.requests(), { timeout: 10_000 }).toBe(before + 1);
      // and a client still sending its request body: nothing forwarded or held for it
      const slow = connect(Number(new URL(s.url).port), '127.0.0.1');
      slow.on('error', () => {});
      const slowClosed = new Promise<void>((resolve) => slow.on('close', () => resolve()));
      await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
      slow.write(`POST /api/v1/topup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"amount`);
      s.child.kill('SIGTERM');
      const res = await hanging;
      expect([res.status, res.body.error.code]).toEqual([502, 'upstream_error']);
      expect(res.body.error.message).toMatch(/shutting down/);
      expect(await s.exited).toBe(0); // not the forced exit a connection left open would end in
      await slowClosed;
      // the hold went back before the store closed: no reservation for the sweep, the whole balance there
      const audit = await runScript(['scripts/ledger-audit.ts'], env);
      expect(audit.output).toMatch(/ledger audit: OK/);
      expect(audit.output).toMatch(/user balances\s+500 sats/);
      expect(audit.output).not.toMatch(/held reservations\s+[1-9]/);
    } finally {
      s.child.kill('SIGKILL');
      rmSync(own, { recursive: true, force: true });
    }
  }, 120_000);

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
