// The paid proxy end to end: a real server, the development node, a fake OpenAI upstream,
// and real clients (the openai SDK, Alby's fetchWithL402).
import { fetch402, fetchWithL402, type Wallet } from '@getalby/lightning-tools/402';
import OpenAI from 'openai';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../testing/fake-upstream/server.js';
import { FAKE_ORG_ID } from '../../testing/fake-upstream/wire.js';
import { writeFlatPricedConfig } from '../../testing/flat-prices.js';
import { flowsOf, l402OneRequestPerCredential } from '../../testing/flows.js';
import { call, startTestServer, type TestServer } from '../../testing/harness.js';

const KEY = 'sk-test-upstream-key';
const CHAT = '/api/v1/openai/v1/chat/completions';
const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };

// the proxy's mechanics with whole prices per call; metering: server/payments/metered.http.test.ts
describe('paid proxy', () => {
  const flatConfig = writeFlatPricedConfig();
  let up: FakeUpstream;
  let t: TestServer;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  const flows = () => flowsOf(t);

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    t = await startTestServer({ store: 'postgres', env: { ABL_CONFIG: flatConfig.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: up.url } });
  });
  afterAll(async () => {
    await t.close();
    await up.close();
    flatConfig.remove();
  });

  async function buyToken(sats: number): Promise<string> {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: sats } });
    const claimed = await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } });
    return claimed.body.token;
  }
  const balanceOf = async (token: string) => (await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats as number;

  it('charges a token the catalog price, strips client credentials and injects the upstream key', async () => {
    const token = await buyToken(1000);
    const res = await api('POST', CHAT, { body: chatBody, headers: { 'x-token': token, cookie: 'session=secret' } });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('chat.completion');
    expect(res.headers['x-charged-sats']).toBe('30');
    expect(res.headers['x-balance-sats']).toBe('970');
    const seen = up.lastRequest()!;
    expect(seen.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen.headers['x-token']).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect(JSON.parse(seen.body.toString())).toEqual(chatBody);
    await expect.poll(() => balanceOf(token)).toBe(970);
  });

  it('works with the official openai SDK, streaming included, with the token as API key', async () => {
    const token = await buyToken(500);
    const client = new OpenAI({ baseURL: `${t.url}/api/v1/openai/v1`, apiKey: token, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expect(chat.choices[0]?.message.content).toBeTruthy();
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'sats' });
    expect(emb.data[0]?.embedding.length).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    await expect.poll(() => balanceOf(token)).toBeLessThan(500 - 60);
    const err = await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('refuses an insufficient balance with both figures and forwards nothing', async () => {
    const token = await buyToken(10);
    const before = up.requests();
    const res = await api('POST', CHAT, { body: chatBody, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ code: 'insufficient_balance', balance_sats: 10, price_sats: 30 });
    expect(up.requests()).toBe(before);
  });

  it('does not charge when the upstream fails or refuses', async () => {
    const token = await buyToken(100);
    const failed = await api('POST', CHAT, { body: chatBody, headers: { 'x-token': token, 'x-fake-behavior': 'error-500' } });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('upstream_error');
    const refused = await api('POST', CHAT, { body: chatBody, headers: { 'x-token': token, 'x-fake-behavior': 'error-400' } });
    expect(refused.status).toBe(400);
    expect(refused.headers['x-charged-sats']).toBe('0');
    await expect.poll(() => balanceOf(token)).toBe(100);
  });

  it('validates before any invoice or charge', async () => {
    const token = await buyToken(100);
    const before = up.requests();
    const missing = await api('POST', CHAT, { body: { model: 'gpt-4o-mini' }, headers: { 'x-token': token } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'missing_required_field', field: 'messages' });
    const model = await api('POST', CHAT, { body: { ...chatBody, model: 'gpt-unknown' } });
    expect(model.body.error).toMatchObject({ code: 'invalid_field_value', field: 'model' });
    expect(model.headers['www-authenticate']).toBeUndefined();
    const bad = await api('POST', CHAT, { rawBody: '{"model":', headers: { 'content-type': 'application/json' } });
    expect(bad.body.error.code).toBe('invalid_json');
    expect(up.requests()).toBe(before);
    expect(await balanceOf(token)).toBe(100);
  });

  it.each(['/api/v1/openai/v1/../v1/models', '/api/v1/openai/v1%2Fmodels', '/api/v1/openai/v1/chat/completions/', '/api/v1/openai/v2/models', '/api/v1/nope/v1/models'])(
    'does not reach another endpoint through %s',
    async (path) => {
      const before = up.requests();
      const res = await rawGet(t.url, path); // node:http sends the path as written, dots included
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe('not_found');
      expect(up.requests()).toBe(before);
    },
  );

  it('serves free endpoints without payment, the operator\'s organisation id masked', async () => {
    const res = await api('GET', '/api/v1/openai/v1/models');
    expect(res.status).toBe(200);
    expect(res.headers['x-charged-sats']).toBeUndefined();
    // the upstream lists a fine-tuned model owned by the operator's organisation
    const owners = (res.body.data as { owned_by: string }[]).map((m) => m.owned_by);
    expect(owners).toContain('org-redacted');
    expect(JSON.stringify(res.body)).not.toContain(FAKE_ORG_ID);
  });

  it('a free endpoint refuses a token that is not one (apps check a key with GET /models), and serves a known one', async () => {
    const before = up.requests();
    const unknown = await api('GET', '/api/v1/openai/v1/models', { headers: { authorization: `Bearer abl_${'x'.repeat(43)}` } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_token');
    const client = new OpenAI({ baseURL: `${t.url}/api/v1/openai/v1`, apiKey: `abl_${'y'.repeat(43)}`, maxRetries: 0 });
    await expect(client.models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
    expect(up.requests()).toBe(before);
    const token = await buyToken(1);
    const known = await api('GET', '/api/v1/openai/v1/models', { headers: { 'x-token': token } });
    expect(known.status).toBe(200);
    expect(await balanceOf(token)).toBe(1);
  });

  it('L402: challenge, pay, one request per credential', async () => {
    await l402OneRequestPerCredential(flows());
  });

  it('L402: a failed upstream call leaves the credential usable; other endpoints refuse it, dearer calls ask for more', async () => {
    const challenge = await api('POST', CHAT, { body: chatBody });
    const preimage = await t.pay(challenge.body.invoice);
    const auth = `L402 ${challenge.body.macaroon}:${preimage}`;
    const failed = await api('POST', CHAT, { body: chatBody, headers: { authorization: auth, 'x-fake-behavior': 'error-500' } });
    expect(failed.status).toBe(502);
    // worth its invoice (30 sats): a 150-sat call gets 402 insufficient_balance with a fresh invoice (contract)
    const pricier = await api('POST', CHAT, { body: { ...chatBody, model: 'gpt-4o' }, headers: { authorization: auth } });
    expect(pricier.status).toBe(402);
    expect(pricier.body).toMatchObject({ error: { code: 'insufficient_balance', balance_sats: 30, price_sats: 150 }, amount_sats: 150 });
    expect(pricier.headers['www-authenticate']).toHaveLength(4);
    const other = await api('POST', '/api/v1/openai/v1/embeddings', { body: { model: 'text-embedding-3-small', input: 'x' }, headers: { authorization: auth } });
    expect(other.status).toBe(401);
    const wrongPreimage = await api('POST', CHAT, { body: chatBody, headers: { authorization: `L402 ${challenge.body.macaroon}:${'00'.repeat(32)}` } });
    expect(wrongPreimage.status).toBe(401);
    const ok = await api('POST', CHAT, { body: chatBody, headers: { authorization: auth } });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-charged-sats']).toBe('30');
  });

  it('L402 with Alby fetchWithL402 and fetch402 paying through the development node', async () => {
    const wallet: Wallet = { payInvoice: async ({ invoice }) => ({ preimage: await t.pay(invoice) }) };
    const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chatBody) });
    for (const client of [fetchWithL402, fetch402]) {
      const res = await client(`${t.url}${CHAT}`, init(), { wallet });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-charged-sats')).toBe('30');
      expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    }
  });

  it.each(['L402 garbage', 'LSAT abc:def', 'L402 ' + 'A'.repeat(9000), 'Bearer sk-not-a-token', 'Bearer abl_'])('refuses the garbage Authorization %#', async (authorization) => {
    const before = up.requests();
    const res = await api('POST', CHAT, { body: chatBody, headers: { authorization } });
    expect(res.status).toBe(401);
    expect(['invalid_payment', 'invalid_token']).toContain(res.body.error.code);
    expect(up.requests()).toBe(before);
  });

  it('streams server-sent events through as they arrive, before the upstream finished', async () => {
    const token = await buyToken(100);
    const res = await fetch(`${t.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-token': token, 'x-fake-behavior': 'hold' },
      body: JSON.stringify({ ...chatBody, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^data: /);
    expect(up.held()).toBe(1); // the upstream still holds the rest
    up.release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain('data: [DONE]');
    await expect.poll(() => balanceOf(token)).toBe(70);
  });

  it('a client that leaves after its call was forwarded still pays: the upstream is not cancelled', async () => {
    const token = await buyToken(100);
    const abort = new AbortController();
    const pending = fetch(`${t.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-token': token, 'x-fake-behavior': 'wait' },
      body: JSON.stringify(chatBody),
      signal: abort.signal,
    }).catch((e: unknown) => e);
    await expect.poll(() => up.held()).toBe(1); // forwarded; the upstream is working on it
    abort.abort();
    await pending;
    up.release();
    // no call in flight any more (holds kept unused for the token's next calls are not calls)
    await expect.poll(async () => (await t.server.ledger.stats()).callsInFlight - (t.server.reserveAhead?.unusedHolds() ?? 0)).toBe(0);
    expect(await balanceOf(token)).toBe(70);
    expect(up.lastRequest()?.closedEarly).toBe(false);
  });

  it('an L402 credential whose client left after forwarding is spent', async () => {
    const challenge = await api('POST', CHAT, { body: chatBody });
    const auth = `L402 ${challenge.body.macaroon}:${await t.pay(challenge.body.invoice)}`;
    const abort = new AbortController();
    const pending = fetch(`${t.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth, 'x-fake-behavior': 'wait' },
      body: JSON.stringify(chatBody),
      signal: abort.signal,
    }).catch((e: unknown) => e);
    await expect.poll(() => up.held()).toBe(1);
    abort.abort();
    await pending;
    up.release();
    await expect.poll(async () => (await api('POST', CHAT, { body: chatBody, headers: { authorization: auth } })).status).toBe(409);
  });

  it('a client that leaves before its request was forwarded pays nothing and nothing is forwarded', async () => {
    const token = await buyToken(100);
    const before = up.requests();
    const body = JSON.stringify(chatBody);
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${t.url}${CHAT}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'x-token': token } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(body.slice(0, 10), () => req.destroy());
    });
    expect(await balanceOf(token)).toBe(100);
    expect(up.requests()).toBe(before);
  });

  it('passes binary audio through intact and multipart uploads untouched', async () => {
    const token = await buyToken(500);
    const speech = await fetch(`${t.url}/api/v1/openai/v1/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-token': token },
      body: JSON.stringify({ model: 'tts-1', input: 'Hello sats', voice: 'alloy' }),
    });
    expect(speech.status).toBe(200);
    expect(speech.headers.get('content-type')).toMatch(/^audio\//);
    expect(speech.headers.get('x-charged-sats')).toBe('60');
    expect((await speech.arrayBuffer()).byteLength).toBeGreaterThan(100);

    const form = new FormData();
    form.set('model', 'whisper-1');
    form.set('file', new Blob([Buffer.alloc(2048, 7)], { type: 'audio/mpeg' }), 'speech.mp3');
    const text = await fetch(`${t.url}/api/v1/openai/v1/audio/transcriptions`, { method: 'POST', headers: { 'x-token': token }, body: form });
    expect(text.status).toBe(200);
    expect(((await text.json()) as { text: string }).text).toBeTruthy();
    expect(up.lastRequest()!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);

    const noFile = new FormData();
    noFile.set('model', 'whisper-1');
    const missing = await fetch(`${t.url}/api/v1/openai/v1/audio/transcriptions`, { method: 'POST', headers: { 'x-token': token }, body: noFile });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string; field: string } }).error).toMatchObject({ code: 'missing_required_field', field: 'file' });
  });

  it('refuses a body over the limit with 413 and charges nothing', async () => {
    const token = await buyToken(100);
    const huge = JSON.stringify({ ...chatBody, messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] });
    const res = await api('POST', CHAT, { rawBody: huge, headers: { 'content-type': 'application/json', 'x-token': token } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await balanceOf(token)).toBe(100);
  });

  it('50 parallel paid calls on a balance for 10: exactly 10 forwarded, never negative', async () => {
    const token = await buyToken(300);
    const before = up.requests();
    const results = await Promise.all(Array.from({ length: 50 }, () => api('POST', CHAT, { body: chatBody, headers: { 'x-token': token } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status === 402 && r.body.error.code === 'insufficient_balance')).toHaveLength(40);
    expect(up.requests() - before).toBe(10);
    await expect.poll(() => balanceOf(token)).toBe(0);
  });

  it('exposes Prometheus metrics for requests, challenges, charges, refunds and the ledger', async () => {
    const res = await api('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = String(res.body);
    expect(text).toMatch(/abl_http_requests_total\{method="POST",route="\/api\/v1\/:api\/\*",status="200"\} \d+/);
    expect(text).toMatch(/abl_l402_challenges_total\{api="openai"\} [1-9]/);
    expect(text).toMatch(/abl_sats_charged_total\{api="openai",kind="token"\} [1-9]/);
    expect(text).toMatch(/abl_sats_charged_total\{api="openai",kind="l402"\} [1-9]/);
    expect(text).toMatch(/abl_sats_refunded_total\{api="openai",kind="token"\} [1-9]/);
    expect(text).toMatch(/abl_upstream_errors_total\{api="openai",code="upstream_error"\} [1-9]/);
    expect(text).toMatch(/abl_ledger_msat\{account="revenue"\} [1-9]/);
  });

  it('keeps the ledger balanced', async () => {
    // settlements run off the response path: the books balance once they are done
    await expect.poll(async () => (await t.server.ledger.audit()).problems, { timeout: 10_000 }).toEqual([]);
  });
});

describe('paid proxy without an upstream key', () => {
  it('answers upstream_not_configured before any invoice', async () => {
    const t = await startTestServer({ store: 'postgres' });
    try {
      const res = await call(t.url, 'POST', CHAT, { body: chatBody });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('upstream_not_configured');
      expect(res.headers['www-authenticate']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

/** A GET whose path goes on the wire exactly as written (fetch and undici normalise dot segments). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
