// Horizontal scaling: two server instances, each with its own connection pool, jobs and HTTP
// listener, on ONE PostgreSQL schema and one Lightning node, with the concurrency scenarios
// split over both at once. Everything that must hold across instances lives in the store:
// balances and holds, claimed top-ups, spent L402 hashes, escrow, payouts, rate limits.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../ledger/index.js';
import { startDevnode, type RunningDevnode } from '../lightning/devnode/index.js';
import { signWebhook } from '../lightning/webhook.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { createPostgresSchema } from '../store/testing.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { call, payInvoice, startTestServer, type TestDevnode, type TestServer } from '../testing/harness.js';
import { balanceOf, buyToken, CHAT, CHAT_SATS, chatBody, clientAddresses, phoenixd, sql, waitFor } from './testing.js';

const KEY = 'sk-many-instances';
const RATE_LIMIT = 20;
const HIRE = '/api/v1/ai-for-hire';

describe('two instances on one PostgreSQL', () => {
  let up: FakeUpstream;
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let payee: RunningDevnode; // a contractor's own wallet, reachable from the server's node
  let node: TestDevnode; // the server's Lightning node, shared by both instances
  let a: TestServer;
  let b: TestServer;
  const dirs: string[] = [];
  const payeePassword = randomBytes(8).toString('hex');
  const webhookSecret = 'whsec-' + randomBytes(8).toString('hex');
  const nextIp = clientAddresses();
  /** instance i % 2, as a load balancer would spread the calls */
  const pick = (i: number) => (i % 2 === 0 ? a : b);
  const from = (ip = nextIp()) => ({ 'x-forwarded-for': ip });
  const pay = (bolt11: string) => payInvoice(node, bolt11);
  const payeeNode = () => ({ url: payee.url, password: payeePassword });
  /** both instances' clock: the wall clock, unless a test holds it still */
  const clock = { held: null as number | null };
  const flatConfig = writeFlatPricedConfig();

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    schema = await createPostgresSchema();
    payee = await startDevnode({ host: '127.0.0.1', port: 0, password: payeePassword });
    const password = randomBytes(8).toString('hex');
    const own = await startDevnode({ host: '127.0.0.1', port: 0, password, webhookSecret, peers: [{ url: payee.url, password: payeePassword }] });
    node = { url: own.url, password, nodeId: own.nodeId, close: () => own.close() };
    const env = {
      ABL_CONFIG: flatConfig.path,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: up.url,
      ABL_RATE_LIMIT: String(RATE_LIMIT),
      ABL_TRUST_PROXY: 'true',
      PHOENIXD_WEBHOOK_SECRET: webhookSecret,
      // every instance must verify what any instance minted (the development key is per data dir)
      L402_ROOT_KEY: randomBytes(32).toString('hex'),
    };
    // both start at once on an empty schema: migrations must serialise themselves
    const start = () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'abl-many-'));
      dirs.push(dataDir);
      return startTestServer({ store: 'postgres', databaseUrl: schema.url, devnode: node, dataDir, env, now: () => clock.held ?? Math.floor(Date.now() / 1000) });
    };
    [a, b] = await Promise.all([start(), start()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await node?.close();
    await payee?.close();
    await up?.close();
    await schema?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    flatConfig.remove();
  });

  it('parallel paid calls on one token, split over both, never overspend', async () => {
    const token = await buyToken(a.url, pay, 10 * CHAT_SATS + 17, from());
    const before = up.requests();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => call(pick(i).url, 'POST', CHAT, { body: chatBody, headers: { 'x-token': token, ...from() } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10); // floor(317 / 30)
    expect(results.filter((r) => r.status === 402 && r.body.error.code === 'insufficient_balance')).toHaveLength(30);
    expect(up.requests() - before).toBe(10);
    await waitFor('the settlements', async () => (await balanceOf(b.url, token)) === 17);
    expect(await balanceOf(a.url, token)).toBe(17);
  });

  it('parallel metered calls on one token, split over both: each charged its usage, never overspent, the audit clean', async () => {
    const token = await buyToken(a.url, pay, 40, from());
    // gpt-4.1-nano stays metered; each call reserves a ceiling of a few sats and keeps a few msat
    const body = { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hello' }], max_completion_tokens: 8000 };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => call(pick(i).url, 'POST', CHAT, { body, headers: { 'x-token': token, ...from() } })));
    const served = results.filter((r) => r.status === 200);
    expect(served.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 200 || (r.status === 402 && r.body.error.code === 'insufficient_balance'))).toBe(true);
    const charged = served.reduce((s, r) => s + BigInt(r.headers['x-charged-msats'] as string), 0n);
    const msat = async (url: string) => BigInt((await call(url, 'GET', '/api/v1/balance', { headers: { 'x-token': token, ...from() } })).body.balance_msat as number);
    expect(await msat(b.url)).toBe(40_000n - charged); // JSON answers settle before they are sent
    expect(await msat(a.url)).toBe(40_000n - charged);
    expect((await a.server.ledger.audit()).problems).toEqual([]);
  });

  it('one top-up preimage claimed 25 times over both: exactly one success', async () => {
    const created = await call(b.url, 'POST', '/api/v1/topup', { body: { amount_sats: 321 }, headers: from() });
    const preimage = await pay(created.body.invoice);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => call(pick(i).url, 'POST', '/api/v1/topup/claim', { body: { preimage }, headers: from() })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'payment_already_used')).toHaveLength(24);
    expect(await balanceOf(a.url, ok[0]!.body.token)).toBe(321);
  });

  it('a refill invoice made on one instance is credited once, whichever instance hears of it', async () => {
    const token = await buyToken(a.url, pay, 100, from());
    const refill = await call(a.url, 'POST', '/api/v1/topup', { body: { amount_sats: 55 }, headers: { 'x-token': token, ...from() } });
    await pay(refill.body.invoice); // the node tells instance A by webhook...
    // ...and the same webhook reaches B (a load balancer in front of phoenixd's webhook), with status polls on both
    const body = JSON.stringify({ type: 'payment_received', timestamp: Date.now(), amountSat: 55, paymentHash: refill.body.payment_hash, externalId: 'topup' });
    const hook = () => call(b.url, 'POST', '/api/v1/webhooks/phoenixd', { rawBody: body, headers: { 'content-type': 'application/json', 'x-phoenix-signature': signWebhook(body, webhookSecret) } });
    const status = (s: TestServer) => call(s.url, 'GET', `/api/v1/topup/${refill.body.payment_hash}`);
    const answers = await Promise.all([hook(), hook(), status(a), status(b), status(a), status(b)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await waitFor('the refill', async () => (await balanceOf(b.url, token)) === 155);
    const credits = await sql<{ n: string }>(schema.url, `SELECT count(*) AS n FROM journal WHERE kind = 'deposit' AND ref = $1`, [refill.body.payment_hash]);
    expect(Number(credits[0]!.n)).toBe(1);
  });

  it('one L402 credential replayed on both instances at once: forwarded exactly once', async () => {
    const challenge = await call(a.url, 'POST', CHAT, { body: chatBody, headers: from() });
    expect(challenge.status).toBe(402);
    const preimage = await pay(challenge.body.invoice);
    const authorization = `L402 ${challenge.body.macaroon}:${preimage}`;
    const before = up.requests();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => call(pick(i).url, 'POST', CHAT, { body: chatBody, headers: { authorization, ...from() } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    // the others: spent (409), or, while the one call still held its value, 402 naming what it holds
    const refused = results.filter((r) => r.status !== 200);
    for (const r of refused) {
      if (r.status === 409) expect(r.body.error.code).toBe('payment_already_used');
      else expect([r.status, r.body.error.code, r.body.error.balance_sats, r.body.error.held_sats > 0]).toEqual([402, 'insufficient_balance', 0, true]);
    }
    expect(refused).toHaveLength(11);
    expect(up.requests() - before).toBe(1);
    // spent on both, for good
    await waitFor('the spend', async () => (await call(b.url, 'POST', CHAT, { body: chatBody, headers: { authorization, ...from() } })).status === 409);
    expect((await call(a.url, 'POST', CHAT, { body: chatBody, headers: { authorization, ...from() } })).status).toBe(409);
  });

  it('rate limits are shared: one client gets ABL_RATE_LIMIT invoices a minute over both instances together', async () => {
    // the burst happens within one second of the instances' clock, wherever it falls in a minute
    const start = Math.floor(Date.now() / 1000);
    clock.held = start;
    try {
      const ip = nextIp();
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => call(pick(i).url, 'POST', '/api/v1/topup', { body: { amount_sats: 5 }, headers: from(ip) })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(RATE_LIMIT);
      const limited = results.filter((r) => r.status === 429);
      expect(limited).toHaveLength(30 - RATE_LIMIT);
      for (const r of limited) {
        expect(r.body.error.code).toBe('rate_limited');
        expect(Number(r.headers['retry-after'])).toBe(60);
      }
      // L402 challenges draw on the same budget, on either instance
      expect((await call(b.url, 'POST', CHAT, { body: chatBody, headers: from(ip) })).status).toBe(429);
      // another client is not affected
      expect((await call(b.url, 'POST', '/api/v1/topup', { body: { amount_sats: 5 }, headers: from() })).status).toBe(201);
      // a minute later, not a second earlier, the budget is back
      clock.held = start + 59;
      expect((await call(a.url, 'POST', '/api/v1/topup', { body: { amount_sats: 5 }, headers: from(ip) })).headers['retry-after']).toBe('1');
      clock.held = start + 60;
      expect((await call(a.url, 'POST', '/api/v1/topup', { body: { amount_sats: 5 }, headers: from(ip) })).status).toBe(201);
    } finally {
      clock.held = null;
    }
  });

  it('the hold sweep runs on both instances at once and returns each expired hold once', async () => {
    const token = await buyToken(b.url, pay, 1000, from());
    const now = Math.floor(Date.now() / 1000);
    const holds: bigint[] = [];
    for (let i = 0; i < 8; i++) {
      // expires in an hour: the instances' own sweep jobs leave it alone; the passes below run "later"
      const r = await a.server.ledger.reserve({ tokenHash: hashToken(token), amountMsat: 30_000n, purpose: 'test', expiresAt: now + 3600 });
      if (!r.ok) throw new Error('reserve failed');
      holds.push(r.holdId);
    }
    expect(await balanceOf(a.url, token)).toBe(1000 - 8 * 30);
    const later = now + 7200;
    const released = await Promise.all([a, b, a, b, a, b].map((s) => s.server.ledger.sweepExpiredHolds(later)));
    expect(released.reduce((x, y) => x + y, 0)).toBe(8);
    const journal = await sql<{ ref: string; n: string }>(schema.url, `SELECT ref, count(*) AS n FROM journal WHERE kind = 'unreserve' AND ref = ANY($1) GROUP BY ref`, [holds.map(String)]);
    expect(journal.map((r) => Number(r.n))).toEqual(Array(8).fill(1));
    expect(await balanceOf(b.url, token)).toBe(1000);
  });

  it('escrow and payouts: accept, confirm and collect raced over both instances happen once', async () => {
    const buyer = await buyToken(a.url, pay, 2000, from());
    const contractor = await buyToken(b.url, pay, 1000, from());
    const posted = await call(a.url, 'POST', `${HIRE}/tasks`, { body: { title: 'Translate a page', description: 'From French.', budget_sats: 800 }, headers: { 'x-token': buyer, ...from() } });
    expect(posted.status).toBe(201);
    const taskId = posted.body.id as string;
    const quoted = await call(b.url, 'POST', `${HIRE}/tasks/${taskId}/quotes`, { body: { price_sats: 700, description: 'Done by tonight.' }, headers: { 'x-token': contractor, ...from() } });
    expect(quoted.status).toBe(201);
    const quoteId = quoted.body.id as string;

    const race = (path: string, token: string, body?: unknown) =>
      Promise.all(Array.from({ length: 6 }, (_, i) => call(pick(i).url, 'POST', path, { ...(body ? { body } : {}), headers: { 'x-token': token, ...from() } })));
    const accepts = await race(`${HIRE}/tasks/${taskId}/quotes/${quoteId}/accept`, buyer);
    expect(accepts.filter((r) => r.status === 200)).toHaveLength(1);
    expect(accepts.filter((r) => r.status === 409 && r.body.error.code === 'invalid_state')).toHaveLength(5);
    expect(await balanceOf(b.url, buyer)).toBe(2000 - 50 - 700);

    expect((await call(b.url, 'POST', `${HIRE}/tasks/${taskId}/deliver`, { body: { body: 'Voilà.' }, headers: { 'x-token': contractor, ...from() } })).status).toBe(200);
    const confirms = await race(`${HIRE}/tasks/${taskId}/confirm`, buyer);
    expect(confirms.filter((r) => r.status === 200)).toHaveLength(1);
    expect(confirms.filter((r) => r.status === 409 && r.body.error.code === 'invalid_state')).toHaveLength(5);
    expect(await balanceOf(a.url, contractor)).toBe(1000 - 10 + 700);

    // the contractor collects 500 sats to an invoice of their own wallet, six times at once
    const invoice = await phoenixd(payeeNode(), 'POST', '/createinvoice', { amountSat: '500', description: 'collect' });
    const payeeBefore = (await phoenixd(payeeNode(), 'GET', '/getbalance')).balanceSat as number;
    const collects = await race(`${HIRE}/collect`, contractor, { invoice: invoice.serialized });
    const paid = collects.filter((r) => r.status === 200);
    expect(paid).toHaveLength(1);
    expect(paid[0]!.body).toMatchObject({ status: 'succeeded', paid_sats: 500 });
    expect(collects.filter((r) => r.status === 400 && r.body.error.field === 'invoice')).toHaveLength(5);
    expect((await phoenixd(payeeNode(), 'GET', '/getbalance')).balanceSat).toBe(payeeBefore + 500);
    expect((await phoenixd(payeeNode(), 'GET', `/payments/incoming/${invoice.paymentHash}`)).receivedSat).toBe(500);
    expect(await balanceOf(b.url, contractor)).toBe(1000 - 10 + 700 - 500 - (paid[0]!.body.fee_sats as number));
    const payouts = await sql<{ state: string }>(schema.url, `SELECT state FROM hire_payouts WHERE payment_hash = $1`, [invoice.paymentHash]);
    expect(payouts).toEqual([{ state: 'succeeded' }]);
  });

  it('leaves a clean ledger, as either instance audits it', async () => {
    await waitFor('no hold left held', async () => (await sql(schema.url, `SELECT 1 FROM holds WHERE state = 'held'`)).length === 0);
    const [ra, rb] = await Promise.all([a.server.ledger.audit(), b.server.ledger.audit()]);
    expect(ra.problems).toEqual([]);
    expect(rb.problems).toEqual([]);
    expect(ra.totals).toEqual(rb.totals);
  });
});
