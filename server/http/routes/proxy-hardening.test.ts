// The review's proxy findings over real HTTP: a real server, the development node, the fake
// OpenAI/Anthropic upstream. Each refusal must come before anything is forwarded or charged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../testing/fake-upstream/server.js';
import { FAKE_ORG_ID, FAKE_PROJECT_ID } from '../../testing/fake-upstream/wire.js';
import { encodeForm } from '../../proxy/testing.js';
import { call, startTestServer, type TestServer } from '../../testing/harness.js';

const KEY = 'sk-test-upstream-key';
const CHAT = '/api/v1/openai/v1/chat/completions';
const TRANSCRIBE = '/api/v1/openai/v1/audio/transcriptions';
const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };

let up: FakeUpstream;
let t: TestServer;
const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);

beforeAll(async () => {
  up = await startFakeUpstream({ apiKey: KEY });
  t = await startTestServer({ store: 'postgres', env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: up.url } });
});
afterAll(async () => {
  await t?.close();
  await up?.close();
});

async function buyToken(sats: number): Promise<string> {
  const created = await api('POST', '/api/v1/topup', { body: { amount_sats: sats } });
  const claimed = await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } });
  return claimed.body.token;
}
const balanceOf = async (token: string) => (await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats as number;

/** Sends the request without credentials, then with a token: refused both times, no invoice, nothing forwarded or charged. */
async function expectRefusedUpFront(send: (headers: Record<string, string>) => Promise<{ status: number; headers: Record<string, unknown>; body: any }>, field: string): Promise<void> {
  const token = await buyToken(200);
  const before = up.requests();
  const anonymous = await send({});
  expect(anonymous.status).toBe(400);
  expect(anonymous.body.error).toMatchObject({ code: 'invalid_field_value', field });
  expect(anonymous.headers['www-authenticate']).toBeUndefined();
  const paid = await send({ 'x-token': token });
  expect(paid.status).toBe(400);
  expect(paid.body.error).toMatchObject({ code: 'invalid_field_value', field });
  expect(up.requests()).toBe(before);
  expect(await balanceOf(token)).toBe(200);
}

async function sendForm(path: string, fields: Record<string, string | string[]>, headers: Record<string, string>, fileBytes = 2048) {
  const form = await encodeForm(fields, { file: { name: 'speech.mp3', type: 'audio/mpeg', bytes: new Uint8Array(fileBytes) } });
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': form.contentType }, body: form.body });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.json()) as any };
}

describe('finding 7: a repeated priced field', () => {
  it('refuses a JSON body naming the model twice', async () => {
    const raw = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"model":"o3"}';
    await expectRefusedUpFront((headers) => api('POST', CHAT, { rawBody: raw, headers: { 'content-type': 'application/json', ...headers } }), 'model');
  });

  it('refuses a multipart form naming the model twice', async () => {
    await expectRefusedUpFront((headers) => sendForm(TRANSCRIBE, { model: ['gpt-4o-mini-transcribe', 'whisper-1'] }, headers), 'model');
  });
});

describe('finding 6: upstream redirects and account ids', () => {
  it('answers an upstream redirect with 502 upstream_error and charges nothing', async () => {
    const token = await buyToken(100);
    const res = await api('POST', CHAT, { body: chatBody, headers: { 'x-token': token, 'x-fake-behavior': 'redirect-302' } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    expect(res.headers.location).toBeUndefined();
    await expect.poll(() => balanceOf(token)).toBe(100);
  });

  it('passes an upstream 4xx through uncharged, with the operator account ids masked', async () => {
    const token = await buyToken(100);
    for (const behavior of ['error-429', 'error-403', 'error-429,gzip']) {
      const res = await api('POST', CHAT, { body: chatBody, headers: { 'x-token': token, 'x-fake-behavior': behavior, 'accept-encoding': 'gzip, br, zstd' } });
      expect([429, 403]).toContain(res.status);
      const seen = JSON.stringify(res.headers) + JSON.stringify(res.body);
      expect(seen, behavior).not.toContain(FAKE_ORG_ID);
      expect(seen, behavior).not.toContain(FAKE_PROJECT_ID);
      expect(res.body.error.message).toMatch(/(organization org-|Project `proj_)redacted/);
      expect(res.headers['x-charged-sats']).toBe('0');
    }
    await expect.poll(() => balanceOf(token)).toBe(100);
  });
});

describe('finding 2: parameters that raise the upstream cost', () => {
  const RESPONSES = '/api/v1/openai/v1/responses';
  const MESSAGES = '/api/v1/anthropic/v1/messages';
  const messagesBody = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };
  const post = (path: string, body: unknown) => (headers: Record<string, string>) => api('POST', path, { body, headers });

  it.each([
    ['OpenAI service_tier priority', CHAT, { ...chatBody, service_tier: 'priority' }, 'service_tier'],
    ['an OpenAI hosted tool in chat', CHAT, { ...chatBody, tools: [{ type: 'function', function: { name: 'f' } }, { type: 'web_search' }] }, 'tools'],
    ['an OpenAI hosted tool in responses', RESPONSES, { model: 'gpt-4o-mini', input: 'Hi', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, 'tools'],
    ['a stored prompt in responses', RESPONSES, { model: 'gpt-4o-mini', prompt: { id: 'pmpt_123' } }, 'prompt'],
    ['an Anthropic server tool', MESSAGES, { ...messagesBody, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 50 }] }, 'tools'],
    ['Anthropic mcp_servers', MESSAGES, { ...messagesBody, mcp_servers: [{ type: 'url', url: 'https://mcp.example', name: 'x' }] }, 'mcp_servers'],
    ['an unknown parameter', CHAT, { ...chatBody, prediction: { type: 'content', content: 'x'.repeat(1000) } }, 'prediction'],
  ])('refuses %s before any invoice', async (_what, path, body, field) => {
    await expectRefusedUpFront(post(path, body), field);
  });

  it('refuses a query string on a POST endpoint (?beta=true) before any invoice', async () => {
    await expectRefusedUpFront((headers) => api('POST', `${MESSAGES}?beta=true`, { body: messagesBody, headers }), 'query');
  });

  it('still serves what the price covers: function and client tools, the default tiers', async () => {
    const token = await buyToken(500);
    const chat = await api('POST', CHAT, { body: { ...chatBody, service_tier: 'auto', tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }, headers: { 'x-token': token } });
    expect(chat.status).toBe(200);
    const claude = await api('POST', MESSAGES, {
      body: { ...messagesBody, tools: [{ name: 'lookup', input_schema: { type: 'object' } }] },
      headers: { 'x-token': token, 'anthropic-version': '2023-06-01', 'user-agent': 'Anthropic/JS 0.60.0', 'x-stainless-lang': 'js' },
    });
    expect(claude.status).toBe(200);
  });

  it.each([
    ['openai-project', CHAT, chatBody],
    ['openai-organization', CHAT, chatBody],
    ['anthropic-beta', MESSAGES, messagesBody],
  ])('never forwards the %s header: refused, nothing charged, an L402 credential stays usable', async (header, path, body) => {
    const token = await buyToken(200);
    const before = up.requests();
    const res = await api('POST', path, { body, headers: { 'x-token': token, [header]: 'proj_x, mcp-client-2025-04-04' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_field_value', field: header });
    expect(up.requests()).toBe(before);
    await expect.poll(() => balanceOf(token)).toBe(200);

    const challenge = await api('POST', path, { body });
    const auth = `L402 ${challenge.body.macaroon}:${await t.pay(challenge.body.invoice)}`;
    const refused = await api('POST', path, { body, headers: { authorization: auth, [header]: 'x' } });
    expect(refused.status).toBe(400);
    expect(up.requests()).toBe(before);
    expect((await api('POST', path, { body, headers: { authorization: auth } })).status).toBe(200);
  });

  it('bounds an audio upload by the endpoint size limit, before any invoice', async () => {
    const token = await buyToken(200);
    const before = up.requests();
    for (const headers of [{}, { 'x-token': token }] as Record<string, string>[]) {
      const res = await sendForm(TRANSCRIBE, { model: 'whisper-1' }, headers, 2 * 1024 * 1024 + 1);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    }
    expect(up.requests()).toBe(before);
    expect(await balanceOf(token)).toBe(200);
    expect((await sendForm(TRANSCRIBE, { model: 'whisper-1' }, { 'x-token': token }, 1024 * 1024)).status).toBe(200);
  });
});
