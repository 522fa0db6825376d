// Development mode: on the built-in development node, an API without its key is answered by the
// demo upstream — through the official openai SDK, JSON and SSE, charged exactly as the catalog
// says — while a real wallet backend keeps answering 503 upstream_not_configured (after 401s and 400s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../contract/catalog.js';
import { loadCatalog } from '../../catalog.js';
import { readSettings } from '../../config.js';
import { startServer, type RunningServer } from '../../server.js';
import { createPostgresSchema } from '../../store/testing.js';
import { call, startTestServer, type TestServer } from '../../testing/harness.js';
import { prepareUpstreams, upstreamStatuses } from './index.js';
import { startDemoUpstream } from './server.js';

const CONFIG = join(process.cwd(), 'config.yaml');
const CHAT = '/api/v1/openai/v1/chat/completions';
const MESSAGES = '/api/v1/anthropic/v1/messages';

type Usage = Record<string, unknown>;
type ModelPrice = number | { call_sats?: number; input_sats_per_mtok: number; cached_input_sats_per_mtok?: number; output_sats_per_mtok: number };

/** What the catalog says a call costs, in msat: a flat price, or metered by the usage the upstream reported. */
function chargeMsat(price: ModelPrice, input: number, output: number): number {
  if (typeof price === 'number') return price * 1000;
  return (price.call_sats ?? 0) * 1000 + Math.ceil((input * price.input_sats_per_mtok + output * price.output_sats_per_mtok) / 1000);
}

describe('which APIs the demo answers', () => {
  const catalog: Catalog = loadCatalog(CONFIG);

  it('a set key is configured; an unset one is the demo on the development node and not configured with a real wallet', () => {
    expect(upstreamStatuses(catalog, { OPENAI_API_KEY: 'sk-1' }, true)).toEqual({ openai: 'configured', anthropic: 'demo' });
    expect(upstreamStatuses(catalog, { OPENAI_API_KEY: '  ' }, true)).toEqual({ openai: 'demo', anthropic: 'demo' });
    expect(upstreamStatuses(catalog, {}, false)).toEqual({ openai: 'not_configured', anthropic: 'not_configured' });
    expect(upstreamStatuses(catalog, { ANTHROPIC_API_KEY: 'k' }, false)).toEqual({ openai: 'not_configured', anthropic: 'configured' });
  });

  it('an API the demo cannot speak stays not configured even in development mode', async () => {
    const other = { ...catalog.apis[0]!, name: 'weather', upstream: { ...catalog.apis[0]!.upstream, base_url: 'https://api.weather.example', auth: { ...catalog.apis[0]!.upstream.auth, key_env: 'WEATHER_KEY' } } };
    const withOther: Catalog = { ...catalog, apis: [...catalog.apis, other] };
    const prepared = await prepareUpstreams(withOther, {}, true);
    try {
      expect(prepared.statuses).toEqual({ openai: 'demo', anthropic: 'demo', weather: 'not_configured' });
      const rewritten = prepared.catalog.apis.map((a) => [a.name, a.upstream.base_url.startsWith(prepared.demoUrl ?? '-')]);
      expect(rewritten).toEqual([['openai', true], ['anthropic', true], ['weather', false]]);
      expect(prepared.catalog.apis.find((a) => a.name === 'weather')?.upstream.auth.key_env).toBe('WEATHER_KEY');
    } finally {
      await prepared.close();
    }
    const none = await prepareUpstreams(catalog, { OPENAI_API_KEY: 'a', ANTHROPIC_API_KEY: 'b' }, true);
    expect(none.demoUrl).toBeNull();
    expect(none.catalog).toBe(catalog);
  });

  it('the demo server answers only the key it was started with', async () => {
    const demo = await startDemoUpstream([{ name: 'openai', flavour: 'openai', authHeader: 'authorization', authValue: 'Bearer right', keyEnv: 'OPENAI_API_KEY', models: ['gpt-4o-mini'] }]);
    try {
      const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
      const wrong = await call(demo.url, 'POST', '/openai/v1/chat/completions', { body, headers: { authorization: 'Bearer wrong' } });
      expect(wrong.status).toBe(401);
      const none = await call(demo.url, 'POST', '/openai/v1/chat/completions', { body });
      expect(none.status).toBe(401);
      const right = await call(demo.url, 'POST', '/openai/v1/chat/completions', { body, headers: { authorization: 'Bearer right' } });
      expect(right.status).toBe(200);
      expect(right.body.choices[0].message.content).toMatch(/^\[demo\] .*no OpenAI model was called.*OPENAI_API_KEY.*You said: "hi"/);
      expect((await call(demo.url, 'GET', '/openai/v1/models', { headers: { authorization: 'Bearer right' } })).body.data).toEqual([
        expect.objectContaining({ id: 'gpt-4o-mini', object: 'model' }),
      ]);
      expect((await call(demo.url, 'GET', '/other/v1/models', { headers: { authorization: 'Bearer right' } })).status).toBe(404);
    } finally {
      await demo.close();
    }
  });
});

describe('a development-mode server (no PHOENIXD_URL, no upstream keys)', () => {
  let server: RunningServer;
  let dataDir: string;
  let dropSchema: () => Promise<void>;
  let token: string;
  let catalogPrices: Record<string, Record<string, ModelPrice>>;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(server.url, method, path, opts);
  const balanceMsat = async (): Promise<number> => Number((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_msat);

  beforeAll(async () => {
    const schema = await createPostgresSchema();
    dropSchema = () => schema.drop();
    dataDir = mkdtempSync(join(tmpdir(), 'abl-demo-'));
    server = await startServer(
      readSettings({ PORT: '0', HOST: '127.0.0.1', ABL_CONFIG: CONFIG, ABL_DATA_DIR: dataDir, DATABASE_URL: schema.url, LOG_LEVEL: 'silent', ABL_RATE_LIMIT: '0' }),
    );
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 5000 } });
    const paid = await api('POST', '/api/v1/dev/pay', { body: { invoice: created.body.invoice } });
    token = (await api('POST', '/api/v1/topup/claim', { body: { preimage: paid.body.preimage } })).body.token;
    const catalog = (await api('GET', '/api/v1/catalog')).body as { apis: { name: string; endpoints: { path: string; models?: Record<string, ModelPrice> }[] }[] };
    catalogPrices = Object.fromEntries(catalog.apis.flatMap((a) => a.endpoints.map((e) => [e.path, e.models ?? {}])));
  });
  afterAll(async () => {
    await server?.close();
    await dropSchema?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('health, catalog and the start-up summary say which APIs the demo answers', async () => {
    const health = (await api('GET', '/api/v1/health')).body;
    expect(health).toMatchObject({ status: 'ok', wallet: 'devnode', upstreams: { openai: 'demo', anthropic: 'demo' } });
    const catalog = (await api('GET', '/api/v1/catalog')).body;
    expect(catalog.apis.map((a: { name: string; upstream: string }) => [a.name, a.upstream])).toEqual([
      ['openai', 'demo'],
      ['anthropic', 'demo'],
    ]);
    expect(server.summary[0]).toBe(`alittlebitofmoney is ready — open ${server.url}`);
    expect(server.summary.join('\n')).toMatch(/wallet: built-in development Lightning node/);
    expect(server.summary.join('\n')).toMatch(/openai: DEMO — OPENAI_API_KEY is not set/);
    expect(server.summary.join('\n')).toMatch(/anthropic: DEMO — ANTHROPIC_API_KEY is not set/);
  });

  it('the official openai SDK: a JSON chat answer that says it is a demo, usage reported, charged the catalog price', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/api/v1/openai/v1`, apiKey: token, maxRetries: 0 });
    const before = await balanceMsat();
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in five words.' }] }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toMatch(/^\[demo\] This is a demo answer .*You said: "Say hello in five words\."/);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    const charge = chargeMsat(catalogPrices['/api/v1/openai/v1/chat/completions']!['gpt-4o-mini']!, data.usage!.prompt_tokens, data.usage!.completion_tokens);
    expect(Number(response.headers.get('x-charged-sats'))).toBe(Math.ceil(charge / 1000));
    await expect.poll(balanceMsat).toBe(before - charge);
  });

  it('the official openai SDK: an SSE stream, usage in its last chunk, charged the catalog price', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/api/v1/openai/v1`, apiKey: token, maxRetries: 0 });
    const before = await balanceMsat();
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Count to three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(5);
    expect(text).toMatch(/^\[demo\] .*You said: "Count to three"/);
    expect(usage).toMatchObject({ completion_tokens: expect.any(Number) });
    const charge = chargeMsat(catalogPrices['/api/v1/openai/v1/chat/completions']!['gpt-4o']!, usage!.prompt_tokens, usage!.completion_tokens);
    await expect.poll(balanceMsat).toBe(before - charge);
  });

  it('the official openai SDK: responses (JSON and stream), embeddings and the free models list', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/api/v1/openai/v1`, apiKey: token, maxRetries: 0 });
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there' });
    expect(response.output_text).toMatch(/^\[demo\] /);
    expect(response.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    let streamed = '';
    for await (const event of await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello again', stream: true })) {
      if (event.type === 'response.output_text.delta') streamed += event.delta;
    }
    expect(streamed).toMatch(/^\[demo\] .*You said: "Hello again"/);
    const embedded = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(embedded.data.map((d) => d.embedding.length)).toEqual([1536, 1536]);
    expect(embedded.usage.prompt_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
  });

  it('Anthropic messages: JSON and SSE in Anthropic\'s format, max_tokens honoured, charged the catalog price', async () => {
    const before = await balanceMsat();
    const body = { model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi Claude' }] };
    const json = await api('POST', MESSAGES, { body, headers: { 'x-token': token } });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text', text: expect.stringMatching(/^\[demo\] .*no Anthropic model.*ANTHROPIC_API_KEY/) }] });
    expect(json.body.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), cache_read_input_tokens: 0 });
    const charge = chargeMsat(catalogPrices['/api/v1/anthropic/v1/messages']!['claude-haiku-4-5']!, json.body.usage.input_tokens, json.body.usage.output_tokens);
    await expect.poll(balanceMsat).toBe(before - charge);

    const short = await api('POST', MESSAGES, { body: { ...body, max_tokens: 3 }, headers: { 'x-token': token } });
    expect(short.body.stop_reason).toBe('max_tokens');
    expect(short.body.usage.output_tokens).toBeLessThanOrEqual(3);

    // the Anthropic SDK sends its API key as x-api-key: a token there is the token (contract, Other clients)
    const stream = await fetch(`${server.url}${MESSAGES}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': token, 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ ...body, stream: true }) });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('x-balance-sats')).not.toBeNull();
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await stream.text()).split('\n\n').filter(Boolean).map((frame) => /^event: (\S+)/.exec(frame)?.[1]);
    expect(events[0]).toBe('message_start');
    expect(events.at(-2)).toBe('message_delta');
    expect(events.at(-1)).toBe('message_stop');
  });

  it('a bad token is 401 and a bad body 400, as with a real upstream; nothing is charged', async () => {
    const before = await balanceMsat();
    const unknown = await api('POST', CHAT, { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }, headers: { 'x-token': `abl_${'A'.repeat(32)}` } });
    expect(unknown.status).toBe(401);
    const unknownApiKey = await api('POST', MESSAGES, { body: { model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, headers: { 'x-api-key': `abl_${'A'.repeat(32)}` } });
    expect(unknownApiKey.status).toBe(401);
    expect(unknownApiKey.body.error.code).toBe('invalid_token');
    const invalid = await api('POST', CHAT, { body: { model: 'gpt-4o-mini', messages: 'x' }, headers: { 'x-token': token } });
    expect(invalid.body.error).toMatchObject({ code: 'invalid_field_type', field: 'messages' });
    expect(await balanceMsat()).toBe(before);
  });
});

describe('a real wallet backend without upstream keys', () => {
  let t: TestServer;
  let token: string;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };

  beforeAll(async () => {
    t = await startTestServer({ store: 'pglite' });
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 100 } });
    token = (await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token;
  });
  afterAll(() => t.close());

  it('health and catalog say not configured; a call is 503 upstream_not_configured, never the demo, with no invoice', async () => {
    expect((await api('GET', '/api/v1/health')).body).toMatchObject({ wallet: 'phoenixd', upstreams: { openai: 'not_configured', anthropic: 'not_configured' } });
    expect((await api('GET', '/api/v1/catalog')).body.apis.map((a: { upstream: string }) => a.upstream)).toEqual(['not_configured', 'not_configured']);
    expect(t.server.summary.join('\n')).toMatch(/openai: not configured — set OPENAI_API_KEY; until then its endpoints answer 503 upstream_not_configured/);
    for (const headers of [{}, { 'x-token': token }] as Record<string, string>[]) {
      const res = await api('POST', CHAT, { body: chat, headers });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('upstream_not_configured');
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
    const messages = await api('POST', MESSAGES, { body: { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }, headers: { 'x-token': token } });
    expect(messages.body.error.code).toBe('upstream_not_configured');
    expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats).toBe(100);
  });

  it('auth and validation errors come before "not configured"', async () => {
    const unknown = await api('POST', CHAT, { body: chat, headers: { 'x-token': `abl_${'B'.repeat(32)}` } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_token');
    const malformed = await api('POST', CHAT, { body: chat, headers: { authorization: 'Bearer nope' } });
    expect(malformed.body.error.code).toBe('invalid_token');
    const badL402 = await api('POST', CHAT, { body: chat, headers: { authorization: `L402 ${Buffer.from('not a macaroon').toString('base64')}:${'00'.repeat(32)}` } });
    expect(badL402.status).toBe(401);
    expect(badL402.body.error.code).toBe('invalid_payment');
    const invalid = await api('POST', CHAT, { body: { model: 'gpt-4o-mini', messages: 'Hello' }, headers: { 'x-token': token } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_field_type', field: 'messages' });
  });
});
