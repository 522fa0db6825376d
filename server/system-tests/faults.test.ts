// Faults outside the server: the Lightning node down, an upstream down or hanging. Paid actions
// answer their contract code at once, nothing is charged, and service comes back by itself.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnode, type RunningDevnode } from '../lightning/devnode/index.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { call, payInvoice, startTestServer, type TestServer } from '../testing/harness.js';
import { freePort } from '../testing/process.js';
import { balanceOf, buyToken, CHAT, CHAT_SATS, chatBody, sql, waitFor, writeTestConfig } from './testing.js';

const KEY = 'sk-faults';

describe('the Lightning node goes down and comes back', () => {
  let up: FakeUpstream;
  let devnode: RunningDevnode | null = null;
  let t: TestServer;
  const nodeDir = mkdtempSync(join(tmpdir(), 'abl-node-'));
  const flat = writeFlatPricedConfig(); // whole prices per call (CHAT_SATS)
  const password = randomBytes(8).toString('hex');
  let port = 0;
  const startNode = async () => {
    devnode = await startDevnode({ host: '127.0.0.1', port, password, dataDir: nodeDir });
    port = Number(new URL(devnode.url).port);
  };
  const node = () => ({ url: `http://127.0.0.1:${port}`, password, nodeId: '', close: async () => {} });
  // the server's clock: health asks the node again once its last answer is 15 s old
  const clock = { now: Math.floor(Date.now() / 1000) };
  const walletReachable = async () => (await call(t.url, 'GET', '/api/v1/health')).body.wallet_reachable as boolean | undefined;

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    await startNode();
    t = await startTestServer({ store: 'postgres', devnode: node(), env: { ABL_CONFIG: flat.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url }, now: () => clock.now });
  });
  afterAll(async () => {
    await t?.close();
    await devnode?.close();
    await up?.close();
    rmSync(nodeDir, { recursive: true, force: true });
    flat.remove();
  });

  it('answers topup_unavailable for top-ups and L402 challenges, charges nothing, and still serves prepaid calls', async () => {
    const token = await buyToken(t.url, (b) => payInvoice(node(), b), 100);
    expect(await walletReachable()).toBe(true); // checked at start
    await devnode!.close();
    devnode = null;
    // health says so (the server itself is up: still 200) once its last check is stale
    clock.now += 16;
    await expect.poll(walletReachable).toBe(false);
    const topupsBefore = await sql(t.databaseUrl!, 'SELECT 1 FROM topups');
    const upstreamBefore = up.requests();

    const fresh = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 10 } });
    expect(fresh.status).toBe(503);
    expect(fresh.body.error.code).toBe('topup_unavailable');
    const refill = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 10 }, headers: { 'x-token': token } });
    expect(refill.status).toBe(503);
    expect(refill.body.error.code).toBe('topup_unavailable');
    const challenge = await call(t.url, 'POST', CHAT, { body: chatBody });
    expect(challenge.status).toBe(503);
    expect(challenge.body.error.code).toBe('topup_unavailable');
    expect(challenge.headers['www-authenticate']).toBeUndefined();
    // the L402 path of AI for Hire draws its invoice the same way
    const hire = await call(t.url, 'POST', '/api/v1/ai-for-hire/tasks', { body: { title: 'T', description: 'D' } });
    expect(hire.status).toBe(503);
    expect(hire.body.error.code).toBe('topup_unavailable');
    // so does an MPP session's deposit
    const session = await call(t.url, 'POST', '/api/v1/mpp/session', { body: { deposit_sats: 10 } });
    expect(session.status).toBe(503);
    expect(session.body.error.code).toBe('topup_unavailable');
    // the operator sees each failed invoice in the metrics: the two top-ups, the L402 challenges
    // of the chat call and of AI for Hire, and the session deposit
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^abl_wallet_errors_total\{operation="createInvoice"\} 5$/m);

    expect(await sql(t.databaseUrl!, 'SELECT 1 FROM topups')).toHaveLength(topupsBefore.length);
    expect(up.requests()).toBe(upstreamBefore);
    expect(await balanceOf(t.url, token)).toBe(100);
    // a prepaid balance needs no node
    const paid = await call(t.url, 'POST', CHAT, { body: chatBody, headers: { 'x-token': token } });
    expect(paid.status).toBe(200);
    await waitFor('the charge', async () => (await balanceOf(t.url, token)) === 100 - CHAT_SATS);

    // the node comes back on its address: top-ups work again without a restart
    await startNode();
    clock.now += 16;
    await expect.poll(walletReachable).toBe(true);
    const again = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 10 }, headers: { 'x-token': token } });
    expect(again.status).toBe(201);
    await payInvoice(node(), again.body.invoice);
    await waitFor('the refill', async () => (await call(t.url, 'GET', `/api/v1/topup/${again.body.payment_hash}`)).body.status === 'paid');
    expect(await balanceOf(t.url, token)).toBe(100 - CHAT_SATS + 10);
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });
});

describe('an upstream down or hanging', () => {
  let up: FakeUpstream;
  let t: TestServer;
  const config = writeTestConfig({ timeoutSeconds: 1 , flatPrices: true });
  const MESSAGES = '/api/v1/anthropic/v1/messages';
  const messagesBody = { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] };

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    const closed = await freePort(); // nothing listens there
    t = await startTestServer({
      store: 'postgres',
      env: { ABL_CONFIG: config.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: `http://127.0.0.1:${closed}` },
    });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
    config.remove();
  });

  it('down (connection refused): upstream_error 502, the token keeps its balance', async () => {
    const token = await buyToken(t.url, t.pay, 200);
    const res = await call(t.url, 'POST', MESSAGES, { body: messagesBody, headers: { 'x-token': token } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    expect(res.headers['x-charged-sats']).toBeUndefined();
    await waitFor('no hold left', async () => (await sql(t.databaseUrl!, `SELECT 1 FROM holds WHERE state = 'held'`)).length === 0);
    expect(await balanceOf(t.url, token)).toBe(200);
  });

  it('hanging: upstream_error 502 after the configured timeout, the token keeps its balance', async () => {
    const token = await buyToken(t.url, t.pay, 200);
    const started = Date.now();
    const res = await call(t.url, 'POST', CHAT, { body: chatBody, headers: { 'x-token': token, 'x-fake-behavior': 'hang' } });
    const took = Date.now() - started;
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    expect(res.body.error.message).toMatch(/did not answer within 1 s/);
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(10_000);
    await waitFor('no hold left', async () => (await sql(t.databaseUrl!, `SELECT 1 FROM holds WHERE state = 'held'`)).length === 0);
    expect(await balanceOf(t.url, token)).toBe(200);
  });

  it('an L402 credential used on a hanging upstream stays usable', async () => {
    const challenge = await call(t.url, 'POST', CHAT, { body: chatBody });
    const authorization = `L402 ${challenge.body.macaroon}:${await t.pay(challenge.body.invoice)}`;
    const failed = await call(t.url, 'POST', CHAT, { body: chatBody, headers: { authorization, 'x-fake-behavior': 'hang' } });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('upstream_error');
    const served = await waitFor('the credential back', async () => {
      const r = await call(t.url, 'POST', CHAT, { body: chatBody, headers: { authorization } });
      return r.status === 200 ? r : undefined;
    });
    expect(served.headers['x-charged-sats']).toBe(String(CHAT_SATS));
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });
});
