// Abuse, from outside: a real server process (LOG_LEVEL=debug) runs every paid flow, then takes a
// property-based fuzz (fast-check, fixed seed) over every JSON endpoint with random bodies,
// content types and credentials. It never answers a 5xx other than the upstream and wallet codes,
// every error is a JSON body with a contract code, it never crashes, the ledger stays clean, and
// its log never shows a secret.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../../contract/errors.js';
import { readSettings } from '../config.js';
import { startDevnode, type RunningDevnode } from '../lightning/devnode/index.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { startServer, type RunningServer } from '../server.js';
import { createPostgresSchema } from '../store/testing.js';
import { call, payInvoice } from '../testing/harness.js';
import { startChildServer, type ChildServer } from '../testing/process.js';
import { auditProblems, buyToken, CHAT, chatBody, phoenixd, sql, waitFor, writeTestConfig } from './testing.js';

const HIRE = '/api/v1/ai-for-hire';
const SEED = 4_020_402; // fixed: the same inputs every run (a failure prints the counterexample)
const WALLET_OR_UPSTREAM: ReadonlySet<string> = new Set(['upstream_error', 'upstream_not_configured', 'topup_unavailable']);

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** Checks one answer against the contract; `forwarded` means the upstream saw the request (its own 4xx passes through). */
function checkAnswer(sent: Sent, status: number, contentType: string, text: string, forwarded: boolean): void {
  const where = `${sent.method} ${sent.path} → ${status} ${text.slice(0, 200)}`;
  if (status >= 500) {
    expect([502, 503], where).toContain(status);
  }
  if (status < 400) return;
  if (forwarded && status < 500) return; // the upstream's own refusal, passed through
  expect(contentType, where).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
  const code = body.error?.code as ErrorCode;
  expect(typeof body.error?.message, where).toBe('string');
  expect(Object.keys(ERROR_STATUS), where).toContain(code);
  expect(ERROR_STATUS[code] === status || (code === 'invalid_payment' && status === 401), where).toBe(true);
  if (status >= 500) expect(WALLET_OR_UPSTREAM.has(code), where).toBe(true);
}

async function send(base: string, s: Sent): Promise<{ status: number; contentType: string; text: string }> {
  const res = await request(base + s.path, { method: s.method as 'POST', headers: s.headers, ...(s.body ? { body: s.body } : {}), headersTimeout: 20_000, bodyTimeout: 20_000 });
  const text = await res.body.text();
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text };
}

const ascii = (max = 40) => fc.string({ unit: 'grapheme-ascii', maxLength: max });
const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), ascii(), fc.integer(), fc.constant(null));

function bodies(opts: { invoices: string[] }) {
  const fields = fc.record(
    {
      amount_sats: fc.oneof(fc.integer({ min: -5, max: 2_000_000 }), anyValue),
      preimage: fc.oneof(hex64, anyValue),
      invoice: fc.oneof(fc.constantFrom(...opts.invoices), ascii(), anyValue),
      model: fc.oneof(fc.constantFrom('gpt-4o-mini', 'gpt-4o', 'claude-haiku-4-5', 'text-embedding-3-small', 'tts-1', 'dall-e-3', 'omni-moderation-latest'), anyValue),
      messages: fc.oneof(fc.constant([{ role: 'user', content: 'hi' }]), anyValue),
      input: anyValue,
      max_tokens: anyValue,
      stream: fc.oneof(fc.boolean(), anyValue),
      title: fc.oneof(ascii(), anyValue),
      description: fc.oneof(ascii(), anyValue),
      budget_sats: anyValue,
      price_sats: fc.oneof(fc.integer({ min: -1, max: 20_000_000 }), anyValue),
      expected_price_sats: anyValue,
      body: fc.oneof(ascii(), anyValue),
      resolution: fc.oneof(fc.constantFrom('release', 'refund', 'split'), anyValue),
      contractor_sats: anyValue,
      type: fc.oneof(fc.constant('payment_received'), anyValue),
      paymentHash: fc.oneof(hex64, anyValue),
      amountSat: anyValue,
    },
    { requiredKeys: [] },
  );
  return fc.option(
    fc.oneof(
      fields.map((o) => Buffer.from(JSON.stringify(o))),
      fc.json({ maxDepth: 3 }).map((s) => Buffer.from(s)),
      fc.string({ unit: 'binary', maxLength: 120 }).map((s) => Buffer.from(s)),
      fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)),
      fc.constantFrom('', '{', '[]', 'null', '"x"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}').map((s) => Buffer.from(s)),
    ),
    { nil: undefined },
  );
}

const contentTypes = fc.option(
  fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=xyz', 'application/octet-stream', 'application/json; charset=latin1', '*/*'),
    ascii(30),
  ),
  { nil: undefined },
);

function credentials(real: { token: string; macaroon: string }) {
  const some = fc.record(
    {
      authorization: fc.oneof(
        ascii(),
        ascii().map((s) => `Bearer ${s}`),
        fc.constant(`Bearer ${real.token}`),
        fc.constant(`Bearer abl_${'A'.repeat(32)}`),
        fc.tuple(ascii(), ascii()).map(([m, p]) => `L402 ${m}:${p}`),
        hex64.map((p) => `LSAT ${real.macaroon}:${p}`),
        hex64.map((p) => `l402 ${real.macaroon.replace(/=+$/, '')}:${p.toUpperCase()}`),
        ascii().map((s) => `Admin ${s}`),
      ),
      'x-token': fc.oneof(ascii(), fc.constant(real.token), fc.constant(real.token.toUpperCase()), fc.constant(`abl_${'z'.repeat(40)}`), fc.constant('abl_')),
      'x-request-id': ascii(80),
      'x-phoenix-signature': fc.oneof(ascii(), hex64),
      'x-forwarded-for': ascii(),
      'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', '*'),
    },
    { requiredKeys: [] },
  );
  return fc.oneof({ arbitrary: fc.constant({}), weight: 1 }, { arbitrary: some, weight: 3 });
}

describe('a server process under abuse, logging at debug level', () => {
  let up: FakeUpstream;
  let node: RunningDevnode;
  let payee: RunningDevnode;
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let s: ChildServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'abl-abuse-'));
  const config = writeTestConfig({ timeoutSeconds: 5 , flatPrices: true });
  const secrets = {
    openaiKey: `sk-${randomBytes(16).toString('hex')}`,
    anthropicKey: `sk-ant-${randomBytes(16).toString('hex')}`,
    phoenixdPassword: randomBytes(12).toString('hex'),
    webhookSecret: `whsec-${randomBytes(12).toString('hex')}`,
    rootKey: randomBytes(32).toString('hex'),
  };
  const payeePassword = randomBytes(8).toString('hex');
  const found: Record<string, string> = {}; // secrets met along the flows
  const real = { token: '', token2: '', macaroon: '', taskId: '', quoteId: '', invoices: [] as string[] };
  const pay = (bolt11: string) => payInvoice({ url: node.url, password: secrets.phoenixdPassword }, bolt11);

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: secrets.openaiKey, anthropicKey: secrets.anthropicKey });
    payee = await startDevnode({ host: '127.0.0.1', port: 0, password: payeePassword });
    node = await startDevnode({ host: '127.0.0.1', port: 0, password: secrets.phoenixdPassword, webhookSecret: secrets.webhookSecret, peers: [{ url: payee.url, password: payeePassword }] });
    schema = await createPostgresSchema();
    s = await startChildServer({
      DATABASE_URL: schema.url,
      ABL_DATA_DIR: dataDir,
      ABL_CONFIG: config.path,
      LOG_LEVEL: 'debug',
      PHOENIXD_URL: node.url,
      PHOENIXD_PASSWORD: secrets.phoenixdPassword,
      PHOENIXD_WEBHOOK_SECRET: secrets.webhookSecret,
      L402_ROOT_KEY: secrets.rootKey,
      OPENAI_API_KEY: secrets.openaiKey,
      OPENAI_BASE_URL: up.url,
      ANTHROPIC_API_KEY: secrets.anthropicKey,
      ANTHROPIC_BASE_URL: up.url,
      ABL_RATE_LIMIT: '0',
    });
  });
  afterAll(async () => {
    s?.child.kill('SIGKILL');
    await node?.close();
    await payee?.close();
    await up?.close();
    await schema?.drop();
    config.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs every paid flow', async () => {
    const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(s.url, method, path, opts);
    // a new token, and a refill credited by phoenixd's signed webhook
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 5000 } });
    found.topupPreimage = await pay(created.body.invoice);
    real.token = (await api('POST', '/api/v1/topup/claim', { body: { preimage: found.topupPreimage } })).body.token;
    found.token = real.token;
    const refill = await api('POST', '/api/v1/topup', { body: { amount_sats: 100 }, headers: { 'x-token': real.token } });
    found.refillPreimage = await pay(refill.body.invoice);
    await waitFor('the webhook', async () => (await api('GET', '/api/v1/balance', { headers: { 'x-token': real.token } })).body.balance_sats === 5100);
    // paid calls with the token, both ways, one failing upstream
    expect((await api('POST', CHAT, { body: chatBody, headers: { authorization: `Bearer ${real.token}` } })).status).toBe(200);
    expect((await api('POST', CHAT, { body: { ...chatBody, stream: true }, headers: { 'x-token': real.token } })).status).toBe(200);
    expect((await api('POST', CHAT, { body: chatBody, headers: { 'x-token': real.token, 'x-fake-behavior': 'error-500' } })).status).toBe(502);
    // L402: challenge, pay, call, replay
    const challenge = await api('POST', CHAT, { body: chatBody });
    real.macaroon = challenge.body.macaroon;
    found.l402Preimage = await pay(challenge.body.invoice);
    const l402 = { authorization: `L402 ${real.macaroon}:${found.l402Preimage}` };
    expect((await api('POST', CHAT, { body: chatBody, headers: l402 })).status).toBe(200);
    expect((await api('POST', CHAT, { body: chatBody, headers: l402 })).status).toBe(409);
    // AI for Hire: post, quote, accept, deliver, confirm, collect
    real.token2 = await buyToken(s.url, pay, 1000);
    found.token2 = real.token2;
    const task = await api('POST', `${HIRE}/tasks`, { body: { title: 'Proofread', description: 'Two pages.' }, headers: { 'x-token': real.token } });
    real.taskId = task.body.id;
    const quote = await api('POST', `${HIRE}/tasks/${real.taskId}/quotes`, { body: { price_sats: 300, description: 'OK' }, headers: { 'x-token': real.token2 } });
    real.quoteId = quote.body.id;
    expect((await api('POST', `${HIRE}/tasks/${real.taskId}/quotes/${real.quoteId}/accept`, { headers: { 'x-token': real.token } })).status).toBe(200);
    expect((await api('POST', `${HIRE}/tasks/${real.taskId}/deliver`, { body: { body: 'Done.' }, headers: { 'x-token': real.token2 } })).status).toBe(200);
    expect((await api('POST', `${HIRE}/tasks/${real.taskId}/confirm`, { headers: { 'x-token': real.token } })).status).toBe(200);
    const invoice = await phoenixd({ url: payee.url, password: payeePassword }, 'POST', '/createinvoice', { amountSat: '200', description: 'collect' });
    real.invoices.push(invoice.serialized, created.body.invoice);
    const collected = await api('POST', `${HIRE}/collect`, { body: { invoice: invoice.serialized }, headers: { 'x-token': real.token2 } });
    expect(collected.status).toBe(200);
    found.payoutPreimage = collected.body.preimage;
    // an operator's audit through the admin endpoint, and a forged webhook
    const link = JSON.parse(readFileSync(join(dataDir, 'admin-link.json'), 'utf8')) as { secret: string };
    found.adminSecret = link.secret;
    expect((await api('GET', '/api/v1/admin/audit', { headers: { authorization: `Admin ${link.secret}` } })).status).toBe(200);
    expect((await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: '{}', headers: { 'x-phoenix-signature': 'ab'.repeat(32) } })).status).toBe(401);
    // a client that puts its token or claim secret in the URL (a common mistake): refused, and not logged either
    await api('GET', `/api/v1/balance?token=${real.token}&api_key=${real.token2}`);
    await api('GET', `/api/v1/topup/${created.body.payment_hash}?claim_secret=${created.body.claim_secret}`);
    found.claimSecret = created.body.claim_secret;
    expect(Object.values(found).every((v) => typeof v === 'string' && v.length >= 32)).toBe(true);
  });

  it('answers random requests on every JSON endpoint with a contract error or a success, never a crash', async () => {
    const catalog = await call(s.url, 'GET', '/api/v1/catalog');
    const proxied: [string, string][] = catalog.body.apis.flatMap((a: { endpoints: { method: string; path: string }[] }) => a.endpoints.map((e) => [e.method, e.path] as [string, string]));
    const id = fc.oneof(fc.constant(real.taskId), fc.uuid(), ascii(20).map(encodeURIComponent));
    const qid = fc.oneof(fc.constant(real.quoteId), fc.uuid(), ascii(20).map(encodeURIComponent));
    const target: fc.Arbitrary<[string, string]> = fc.oneof(
      fc.constantFrom<[string, string]>(
        ['POST', '/api/v1/topup'],
        ['POST', '/api/v1/topup/claim'],
        ['GET', '/api/v1/balance'],
        ['POST', '/api/v1/webhooks/phoenixd'],
        ['POST', '/api/v1/dev/pay'],
        ['GET', `${HIRE}/me`],
        ['POST', `${HIRE}/tasks`],
        ['POST', `${HIRE}/collect`],
        ['GET', '/api/v1/admin/audit'],
        ['POST', '/api/v1/admin/ledger'],
        ...proxied,
      ),
      fc.oneof(hex64, ascii(70).map(encodeURIComponent)).map((h): [string, string] => ['GET', `/api/v1/topup/${h}`]),
      fc.oneof(hex64, ascii(70).map(encodeURIComponent)).map((h): [string, string] => ['GET', `${HIRE}/collect/${h}`]),
      fc.tuple(ascii(12), ascii(12), ascii(12)).map(([st, l, o]): [string, string] => ['GET', `${HIRE}/tasks?status=${encodeURIComponent(st)}&limit=${encodeURIComponent(l)}&offset=${encodeURIComponent(o)}`]),
      fc.tuple(fc.constantFrom('GET', 'POST'), id).map(([m, i]): [string, string] => [m, `${HIRE}/tasks/${i}`]),
      fc.tuple(id, fc.constantFrom('quotes', 'cancel', 'confirm', 'deliver', 'dispute', 'request-revision')).map(([i, a]): [string, string] => ['POST', `${HIRE}/tasks/${i}/${a}`]),
      fc.tuple(id, qid, fc.constantFrom('withdraw', 'accept', 'messages')).map(([i, q, a]): [string, string] => ['POST', `${HIRE}/tasks/${i}/quotes/${q}/${a}`]),
      fc.tuple(id, qid).map(([i, q]): [string, string] => ['PATCH', `${HIRE}/tasks/${i}/quotes/${q}`]),
      fc.tuple(id, qid).map(([i, q]): [string, string] => ['GET', `${HIRE}/tasks/${i}/quotes/${q}/messages?after_id=1`]),
      id.map((i): [string, string] => ['POST', `/api/v1/admin/ai-for-hire/tasks/${i}/resolve`]),
      ascii(30).map((p): [string, string] => ['POST', `/api/v1/openai/${encodeURI(p)}`]),
    );
    const random: fc.Arbitrary<Sent> = fc
      .tuple(target, bodies({ invoices: real.invoices }), contentTypes, credentials(real))
      .map(([[method, path], body, type, creds]) => ({ method, path, headers: { ...creds, ...(type !== undefined ? { 'content-type': type } : {}) }, body: method === 'GET' ? undefined : body }));
    // nearly valid paid calls: a catalog example with one field changed, paid with the real token,
    // so that the fuzz also goes through reserve → forward → settle or release
    type Example = { method: string; path: string; example?: { content_type?: string; body?: Record<string, unknown> } };
    const examples = catalog.body.apis.flatMap((a: { endpoints: Example[] }) => a.endpoints).filter((e: Example) => e.method === 'POST' && e.example?.content_type === 'json' && e.example.body);
    expect(examples.length).toBeGreaterThan(5);
    const nearlyValid: fc.Arbitrary<Sent> = fc
      .tuple(fc.constantFrom<Example>(...examples), fc.option(fc.tuple(fc.constantFrom('model', 'messages', 'input', 'max_tokens', 'stream', 'n', 'x'), anyValue)), fc.constantFrom('bearer', 'x-token', 'none'))
      .map(([e, change, how]) => {
        const body: Record<string, unknown> = { ...e.example!.body };
        if (change) body[change[0]] = change[1];
        // without a credential: a 402 challenge, an invoice from the node
        const auth: Record<string, string> = how === 'bearer' ? { authorization: `Bearer ${real.token}` } : how === 'x-token' ? { 'x-token': real.token } : {};
        return { method: 'POST', path: e.path, headers: { 'content-type': 'application/json', ...auth }, body: Buffer.from(JSON.stringify(body)) };
      });
    let runs = 0;
    const upstreamBefore = up.requests();
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: random, weight: 4 }, { arbitrary: nearlyValid, weight: 1 }), async (sent) => {
        runs++;
        const before = up.requests();
        const res = await send(s.url, sent);
        checkAnswer(sent, res.status, res.contentType, res.text, up.requests() > before);
      }),
      { numRuns: 300, seed: SEED, endOnFailure: true },
    );
    expect(runs).toBe(300);
    expect(up.requests()).toBeGreaterThan(upstreamBefore); // some random calls were good enough to be paid and served
    expect(s.child.exitCode).toBeNull();
    expect((await call(s.url, 'GET', '/api/v1/health')).status).toBe(200);
  });

  it('keeps the ledger clean, stops gracefully, and never logged a secret', async () => {
    await waitFor('no hold left held', async () => (await sql(schema.url, `SELECT 1 FROM holds WHERE state = 'held'`)).length === 0);
    expect(await auditProblems(schema.url)).toEqual([]);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    const log = s.output();
    expect(log.match(/"msg":"incoming request"/g)?.length ?? 0).toBeGreaterThan(300); // the log is really there
    const leaked = Object.entries({ ...secrets, ...found }).filter(([, v]) => log.includes(v) || log.toLowerCase().includes(v.toLowerCase()));
    expect(leaked.map(([k]) => k)).toEqual([]);
  });
});

describe('the development wallet endpoint under abuse', () => {
  let server: RunningServer;
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'abl-abuse-dev-'));

  beforeAll(async () => {
    schema = await createPostgresSchema();
    // no PHOENIXD_URL: the built-in development node, which adds POST /api/v1/dev/pay
    server = await startServer(readSettings({ PORT: '0', DATABASE_URL: schema.url, ABL_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ABL_RATE_LIMIT: '0' }));
  });
  afterAll(async () => {
    await server?.close();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers random invoices and bodies with a contract error or a payment, once per invoice', async () => {
    const invoices: string[] = [];
    for (const sats of [1, 21]) invoices.push((await call(server.url, 'POST', '/api/v1/topup', { body: { amount_sats: sats } })).body.invoice);
    const preimages = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...invoices).map((invoice) => Buffer.from(JSON.stringify({ invoice }))),
          fc.constantFrom(...invoices).map((i) => Buffer.from(JSON.stringify({ invoice: `${i.slice(0, -4)}qqqq` }))),
          fc.record({ invoice: anyValue }, { requiredKeys: [] }).map((o) => Buffer.from(JSON.stringify(o))),
          ascii(80).map((invoice) => Buffer.from(JSON.stringify({ invoice: `lnbcrt${invoice}` }))),
          fc.string({ unit: 'binary', maxLength: 80 }).map((x) => Buffer.from(x)),
        ),
        contentTypes,
        async (body, type) => {
          const sent: Sent = { method: 'POST', path: '/api/v1/dev/pay', headers: type ? { 'content-type': type } : {}, body };
          const res = await send(server.url, sent);
          checkAnswer(sent, res.status, res.contentType, res.text, false);
          if (res.status === 200) preimages.add((JSON.parse(res.text) as { preimage: string }).preimage);
        },
      ),
      { numRuns: 120, seed: SEED, endOnFailure: true },
    );
    expect(preimages.size).toBe(invoices.length); // each invoice paid exactly once, whatever came after
    expect((await server.ledger.audit()).problems).toEqual([]);
  });
});
