// What the server protects and how, checked from outside: tokens at rest, CORS, the web app's
// headers, webhook signatures, upstream hosts only from config (no SSRF), body limits everywhere.
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../lightning/webhook.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { balanceOf, buyToken, CHAT, chatBody, sql, waitFor, writeTestConfig } from './testing.js';

const KEY = 'sk-security-upstream-key';
const JSON_LIMIT = 2048;
const UPLOAD_LIMIT = 8192;

/** Sends bytes exactly as written (absolute-form targets, lying Content-Length) and returns the status line and body. */
function rawHttp(base: string, text: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => {
      data += c;
      const head = data.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(data);
      if (head >= 0 && length && data.length >= head + 4 + Number(length[1])) socket.end();
    });
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')));
  });
}

/** Every route Fastify knows that takes a body, as [method, template], from its route tree. */
function bodyRoutes(tree: string): [string, string][] {
  const stack: string[] = [];
  const out: [string, string][] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│├└─\s]*)(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of m[3]!.split(', ')) if (method === 'POST' || method === 'PATCH' || method === 'PUT') out.push([method, path]);
  }
  return out;
}

describe('security', () => {
  let up: FakeUpstream;
  let evil: FakeUpstream; // where a request must never be able to send the proxy
  let t: TestServer;
  const config = writeTestConfig({ jsonBodyBytes: JSON_LIMIT, uploadBytes: UPLOAD_LIMIT });
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    evil = await startFakeUpstream({ apiKey: KEY });
    t = await startTestServer({ store: 'postgres', env: { ABL_CONFIG: config.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url } });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
    await evil?.close();
    config.remove();
  });

  it('keeps tokens only as SHA-256 hashes, and no preimage or secret at rest', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 500 } });
    const preimage = await t.pay(created.body.invoice);
    const token = (await api('POST', '/api/v1/topup/claim', { body: { preimage } })).body.token as string;
    expect(token).toMatch(/^abl_[A-Za-z0-9_-]{32}$/); // 192 random bits
    expect((await api('POST', CHAT, { body: chatBody, headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const challenge = await api('POST', CHAT, { body: chatBody });
    const l402Preimage = await t.pay(challenge.body.invoice);
    expect((await api('POST', CHAT, { body: chatBody, headers: { authorization: `L402 ${challenge.body.macaroon}:${l402Preimage}` } })).status).toBe(200);
    // a new token redeemed with its claim secret: neither the secret nor the token it derives is kept
    const bySecret = await api('POST', '/api/v1/topup', { body: { amount_sats: 5, claim_secret_only: true } });
    await t.pay(bySecret.body.invoice);
    const claimSecret = bySecret.body.claim_secret as string;
    const secretToken = (await api('POST', '/api/v1/topup/claim', { body: { payment_hash: bySecret.body.payment_hash, claim_secret: claimSecret } })).body.token as string;
    expect(secretToken).toMatch(/^abl_[A-Za-z0-9_-]{32}$/);

    const rows = await sql<{ token_hash: Buffer }>(t.databaseUrl!, `SELECT token_hash FROM accounts WHERE token_hash = $1`, [createHash('sha256').update(token).digest()]);
    expect(rows).toHaveLength(1);
    // every row of every table, as text: none holds a secret
    const tables = await sql<{ table_name: string }>(t.databaseUrl!, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`);
    expect(tables.length).toBeGreaterThan(5);
    let dump = '';
    for (const { table_name } of tables) {
      for (const r of await sql<{ row: string }>(t.databaseUrl!, `SELECT row_to_json(x)::text AS row FROM "${table_name}" x`)) dump += r.row + '\n';
    }
    expect(dump).toContain(created.body.payment_hash); // the dump is real
    for (const secret of [token, token.slice(4), preimage, l402Preimage, KEY, t.webhookSecret, claimSecret, claimSecret.slice(5), secretToken, secretToken.slice(4)]) {
      expect(dump).not.toContain(secret);
    }
  });

  it('CORS: any origin without credentials; preflight needs no auth; payment headers exposed', async () => {
    const before = { upstream: up.requests(), topups: (await sql(t.databaseUrl!, 'SELECT 1 FROM topups')).length };
    for (const path of [CHAT, '/api/v1/topup', '/api/v1/balance', '/api/v1/ai-for-hire/tasks']) {
      const pre = await api('OPTIONS', path, {
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-token,content-type' },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(pre.headers['access-control-allow-methods'])).toMatch(/POST/);
      expect(String(pre.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'x-token', 'content-type']));
    }
    // the official SDKs in a browser ask for their own headers too (OpenAI's X-Stainless-*, Anthropic's browser opt-in)
    const sdkHeaders = ['x-stainless-os', 'x-stainless-retry-count', 'x-stainless-timeout', 'anthropic-dangerous-direct-browser-access', 'anthropic-beta', 'x-api-key'];
    const sdk = await api('OPTIONS', CHAT, { headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': sdkHeaders.join(',') } });
    expect(String(sdk.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(sdkHeaders));
    expect(up.requests()).toBe(before.upstream);
    expect(await sql(t.databaseUrl!, 'SELECT 1 FROM topups')).toHaveLength(before.topups);

    const challenge = await api('POST', CHAT, { body: chatBody, headers: { origin: 'https://app.example' } });
    expect(challenge.status).toBe(402);
    expect(challenge.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(challenge.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['www-authenticate', 'x-charged-sats', 'x-balance-sats', 'retry-after']));

    // a client that is not a browser sends no Origin: its answers carry no CORS headers, and say they vary by it
    const plain = await api('POST', CHAT, { body: chatBody });
    expect(plain.status).toBe(402);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    expect(plain.headers['access-control-expose-headers']).toBeUndefined();
    expect(String(plain.headers.vary).toLowerCase()).toContain('origin');
  });

  it('serves the web app with security headers', async () => {
    for (const path of ['/', '/catalog', '/ai-for-hire']) {
      const res = await api('GET', path);
      expect({ path, status: res.status, body: res.status === 200 ? '' : res.body }).toEqual({ path, status: 200, body: '' });
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
    }
    const script = /<script[^>]+src="([^"]+)"/.exec(String((await api('GET', '/')).body))?.[1];
    expect(script).toBeDefined();
    expect((await api('GET', script!)).headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses webhooks without a valid signature, and credits nothing for them', async () => {
    const token = await buyToken(t.url, t.pay, 10);
    const refill = await api('POST', '/api/v1/topup', { body: { amount_sats: 77 }, headers: { 'x-token': token } });
    const hash = refill.body.payment_hash as string;
    const body = JSON.stringify({ type: 'payment_received', timestamp: Date.now(), amountSat: 77, paymentHash: hash, externalId: 'topup' });
    const good = signWebhook(body, t.webhookSecret);
    const forged: [string, Record<string, string>, string][] = [
      ['no signature', {}, body],
      ['empty signature', { 'x-phoenix-signature': '' }, body],
      ['not hex', { 'x-phoenix-signature': 'z'.repeat(64) }, body],
      ['short', { 'x-phoenix-signature': good.slice(0, 62) }, body],
      ['another secret', { 'x-phoenix-signature': signWebhook(body, 'guess') }, body],
      ['another body', { 'x-phoenix-signature': good }, body.replace('77', '78')],
      ['a signature in the wrong header', { 'x-signature': good }, body],
    ];
    for (const [what, headers, raw] of forged) {
      const res = await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: raw, headers: { 'content-type': 'application/json', ...headers } });
      expect({ what, status: res.status, code: res.body?.error?.code }).toEqual({ what, status: 401, code: 'invalid_signature' });
    }
    expect((await sql<{ state: string }>(t.databaseUrl!, 'SELECT state FROM topups WHERE payment_hash = $1', [hash]))[0]!.state).toBe('pending');
    expect(await balanceOf(t.url, token)).toBe(10);
    // a genuine signature for an unpaid invoice: accepted, but the wallet says unpaid, so nothing is credited
    const unpaid = await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: body, headers: { 'content-type': 'application/json', 'x-phoenix-signature': good.toUpperCase() } });
    expect(unpaid.status).toBe(200);
    expect(await balanceOf(t.url, token)).toBe(10);
    // once paid, the signed webhook (ours, or the node's own) credits it exactly once
    await t.pay(refill.body.invoice);
    const ok = await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: body, headers: { 'content-type': 'application/json', 'x-phoenix-signature': good } });
    expect(ok.status).toBe(200);
    await expect.poll(() => balanceOf(t.url, token)).toBe(87);
  });

  it('sends the proxy only to the upstreams in config, whatever the Host, the target or the path say', async () => {
    const token = await buyToken(t.url, t.pay, 1000);
    const evilHost = new URL(evil.url).host;
    const body = JSON.stringify(chatBody);
    const head = (target: string, host: string, extra = '') =>
      `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nX-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`;
    const base = new URL(t.url).host;

    const viaHost = await rawHttp(t.url, head(CHAT, evilHost, `X-Forwarded-Host: ${evilHost}\r\nForwarded: host=${evilHost}\r\n`));
    expect(viaHost.status).toBe(200);
    expect(up.lastRequest()!.headers.host).toBe(new URL(up.url).host);
    for (const target of [
      `http://${evilHost}/v1/chat/completions`,
      `http://${evilHost}${CHAT}`,
      `/api/v1/openai/..%2f..%2f..%2fv1/chat/completions`,
      `/api/v1/openai//${evilHost}/v1/chat/completions`,
      `/api/v1/openai@${evilHost}/v1/chat/completions`,
      `/api/v1/openai/v1/chat/completions/../../../${evilHost}/v1/chat/completions`,
      `/api/v1/openai/http://${evilHost}/v1/chat/completions`,
    ]) {
      const res = await rawHttp(t.url, head(target, base));
      // refused, or served by the configured upstream: never by another host
      expect({ target, ok: [200, 400, 404].includes(res.status) }).toEqual({ target, ok: true });
    }
    expect(evil.requests()).toBe(0);
  });

  it('refuses a body over the limit with 413 on every route that takes one, and charges nothing', async () => {
    const token = await buyToken(t.url, t.pay, 1000);
    const topupsBefore = (await sql(t.databaseUrl!, 'SELECT 1 FROM topups')).length;
    const upstreamBefore = up.requests();
    const routes = bodyRoutes(t.server.app.printRoutes({ commonPrefix: false }));
    expect(routes.length).toBeGreaterThan(15);
    const id = '00000000-0000-4000-8000-000000000000';
    const urls: [string, string][] = routes.map(([m, p]) => [m, p.replace(/:[A-Za-z]+/g, id).replace(/\*$/, 'x')]);
    const catalog = await api('GET', '/api/v1/catalog');
    for (const a of catalog.body.apis) for (const e of a.endpoints) if (e.method === 'POST') urls.push(['POST', e.path]);
    expect(urls.map((u) => u[1])).toEqual(expect.arrayContaining(['/api/v1/topup', '/api/v1/topup/claim', '/api/v1/webhooks/phoenixd', CHAT, '/api/v1/ai-for-hire/collect']));

    const big = JSON.stringify({ ...chatBody, pad: 'x'.repeat(UPLOAD_LIMIT) });
    for (const [method, url] of urls) {
      // admin routes refuse a caller without the secret before reading anything: give it
      const admin: Record<string, string> = url.startsWith('/api/v1/admin/') ? { authorization: `Admin ${t.server.adminSecret()}` } : { 'x-token': token };
      const res = await api(method, url, { rawBody: big, headers: { 'content-type': 'application/json', ...admin } });
      expect({ method, url, status: res.status, code: res.body?.error?.code }).toEqual({ method, url, status: 413, code: 'payload_too_large' });
    }
    // JSON endpoints of the proxy take JSON_LIMIT, not the upload limit
    const mid = JSON.stringify({ ...chatBody, pad: 'x'.repeat(JSON_LIMIT) });
    expect((await api('POST', CHAT, { rawBody: mid, headers: { 'content-type': 'application/json', 'x-token': token } })).status).toBe(413);
    // a chunked body (no Content-Length) is counted as it arrives
    for (const url of ['/api/v1/topup', CHAT]) {
      const res = await request(`${t.url}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-token': token },
        body: Readable.from((function* () {
          for (let i = 0; i < 20; i++) yield Buffer.alloc(1024, 0x20);
        })()),
      });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 413 });
      await res.body.dump();
    }
    // a declared length over the limit is refused before the body is read
    const lying = await rawHttp(t.url, `POST /api/v1/topup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\n{}`);
    expect(lying.status).toBe(413);

    expect(up.requests()).toBe(upstreamBefore);
    expect((await sql(t.databaseUrl!, 'SELECT 1 FROM topups')).length).toBe(topupsBefore);
    await waitFor('the balance', async () => (await balanceOf(t.url, token)) === 1000);
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });
});
