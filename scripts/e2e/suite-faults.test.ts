// The suite must fail when the server is wrong: a good server behind a proxy that rewrites its
// answers in ways the contract forbids, each fault showing up in its own column.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../server/testing/fake-upstream/server.js';
import { startTestServer, type TestServer } from '../../server/testing/harness.js';
import { startFaultProxy, type Mutation } from './fault-proxy.js';
import { runCatalogE2E, type CatalogE2EResult } from './suite.js';

const PAID_CHAT = 'POST /api/v1/openai/v1/chat/completions';
const FREE_MODELS = 'GET /api/v1/openai/v1/models';

/** Error codes moved from error.code into the message: only a relaxed keyword match accepts it. */
const codeOnlyInMessage: Mutation = (a) => {
  if (a.status !== 400) return;
  const body = JSON.parse(a.body.toString()) as { error: { code: string; message: string } };
  a.body = Buffer.from(JSON.stringify({ error: { ...body.error, code: 'bad_request', message: `${body.error.code}: ${body.error.message}` } }));
};

/** Several faults at once, each caught by a different check. */
const broken: Mutation = (a, req) => {
  codeOnlyInMessage(a, req);
  const challenge = a.headers['www-authenticate'];
  if (Array.isArray(challenge)) a.headers['www-authenticate'] = challenge[0] ?? ''; // the L402 line is lost
  const type = String(a.headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) a.headers['content-type'] = 'text/plain'; // a stream that is not SSE
  else if (a.headers['x-balance-sats'] !== undefined) a.headers['x-charged-sats'] = '999'; // a wrong token charge
};

describe('the catalog suite catches a faulty server', () => {
  let up: FakeUpstream;
  let t: TestServer;

  beforeAll(async () => {
    const key = `sk-e2e-${randomBytes(12).toString('hex')}`;
    up = await startFakeUpstream({ apiKey: key });
    t = await startTestServer({ store: 'postgres', env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: up.url, ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: up.url } });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  async function runThrough(mutate: Mutation, strictKeywords: boolean): Promise<CatalogE2EResult> {
    const proxy = await startFaultProxy(t.url, mutate);
    try {
      return await runCatalogE2E({ baseUrl: proxy.url, payInvoice: (b) => t.pay(b), strictKeywords, log: () => {} });
    } finally {
      await proxy.close();
    }
  }
  const outcome = (r: CatalogE2EResult, endpoint: string, name: string) => r.records.find((x) => x.endpoint === endpoint && x.name === name);

  it('fails each faulty check, and only those', async () => {
    const r = await runThrough(broken, true);
    expect(outcome(r, PAID_CHAT, 'invalid case')?.outcome).toBe('FAIL');
    expect(outcome(r, PAID_CHAT, 'without messages')?.outcome).toBe('FAIL');
    expect(outcome(r, PAID_CHAT, 'token')).toMatchObject({ outcome: 'FAIL', detail: expect.stringMatching(/X-Charged-Sats (is )?999/) });
    expect(outcome(r, PAID_CHAT, 'token, "stream": true')).toMatchObject({ outcome: 'FAIL', detail: expect.stringMatching(/text\/event-stream/) });
    expect(outcome(r, PAID_CHAT, 'L402 challenge')).toMatchObject({ outcome: 'FAIL', detail: expect.stringMatching(/two WWW-Authenticate lines/) });
    expect(outcome(r, PAID_CHAT, 'L402 paid call')?.outcome).toBe('SKIP');
    // what the proxy left alone still passes: the free endpoint, the top-up, the real balance
    expect(outcome(r, FREE_MODELS, 'no credentials (free endpoint)')?.outcome).toBe('PASS');
    expect(outcome(r, 'POST /api/v1/topup', 'top-up')?.outcome).toBe('PASS');
    expect(outcome(r, 'GET /api/v1/balance', 'final balance')?.outcome).toBe('PASS');
  }, 60_000);

  it('skips the happy paths of an endpoint marked skip_happy_path, and says so', async () => {
    const skipChat: Mutation = (a, req) => {
      if (req.url !== '/api/v1/catalog') return;
      const catalog = JSON.parse(a.body.toString()) as { apis: { endpoints: { method: string; path: string; example?: { e2e?: Record<string, unknown> } }[] }[] };
      const chat = catalog.apis.flatMap((api) => api.endpoints).find((ep) => `${ep.method} ${ep.path}` === PAID_CHAT);
      if (chat?.example?.e2e) chat.example.e2e.skip_happy_path = true;
      a.body = Buffer.from(JSON.stringify(catalog));
    };
    const r = await runThrough(skipChat, true);
    expect(r.failed).toBe(0);
    expect(outcome(r, PAID_CHAT, 'token')).toMatchObject({ outcome: 'SKIP', detail: expect.stringMatching(/skip_happy_path/) });
    expect(outcome(r, PAID_CHAT, 'L402')).toMatchObject({ outcome: 'SKIP', detail: expect.stringMatching(/skip_happy_path/) });
    expect(outcome(r, PAID_CHAT, 'invalid case')?.outcome).toBe('PASS');
    expect(r.exercised).toContain(PAID_CHAT);
  }, 60_000);

  it('accepts a keyword anywhere in the error body when keyword matching is relaxed', async () => {
    const strict = await runThrough(codeOnlyInMessage, true);
    const relaxed = await runThrough(codeOnlyInMessage, false);
    expect(strict.failed).toBeGreaterThan(0);
    expect(strict.records.filter((x) => x.outcome === 'FAIL').every((x) => x.name === 'invalid case' || x.name.startsWith('without '))).toBe(true);
    expect(relaxed.failed, relaxed.records.filter((x) => x.outcome === 'FAIL').map((x) => `${x.endpoint} ${x.name}: ${x.detail}`).join('\n')).toBe(0);
  }, 60_000);
});
