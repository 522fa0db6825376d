// The MCP server over real HTTP with the SDK's own client (streamable HTTP): a real server, the
// fake upstreams, tokens bought through the development node. Tools list their prices; a call is
// paid from the Bearer token exactly as the HTTP API charges it; errors carry the contract's codes.
// The marketplace and account tools' flows: hire-account-tools.http.test.ts.
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallUsageSchema } from '../../contract/api.js';
import type { PublicMeteredPrice } from '../../contract/catalog.js';
import { meteredCallSats } from '../../contract/metered-price.js';
import { fakeAudio } from '../testing/fake-upstream/openai-audio.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { PRICE_META_KEY } from './index.js';
import { MCP, useMcpTestServer, type Structured } from './testing.js';

/** The contract's formula for a chat call's usage (input, cached input, output). */
function formulaMsat(p: PublicMeteredPrice, u: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } }): bigint {
  const milli = (n: number) => BigInt(Math.round(n * 1000));
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  const sum = BigInt(u.prompt_tokens - cached) * milli(p.input_sats_per_mtok) + BigInt(cached) * milli(p.cached_input_sats_per_mtok) + BigInt(u.completion_tokens) * milli(p.output_sats_per_mtok);
  return BigInt(p.call_sats) * 1000n + (sum + 999_999n) / 1_000_000n;
}

describe.each(['postgres', 'pglite'] as const)('the MCP server on %s', (store) => {
  const m = useMcpTestServer(store);
  const { api, balanceMsat, buyToken, connect, tool, ok, fails } = m;

  it('lists every JSON endpoint of the catalog and the marketplace as tools, with prices, without a token', async () => {
    const client = await connect(null);
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((x) => [x.name, x]));

    // one tool per endpoint that takes JSON or no body; the audio uploads (multipart) are not tools
    const endpoints = m.catalog.apis.flatMap((a) => a.endpoints.filter((e) => e.content_type !== 'multipart'));
    const catalogTools = tools.filter((x) => x.name.startsWith('openai_') || x.name.startsWith('anthropic_'));
    expect(catalogTools).toHaveLength(endpoints.length);
    expect(byName.has('openai_audio_transcriptions')).toBe(false);

    const chat = byName.get('openai_chat_completions')!;
    const mini = m.catalog.apis[0]!.endpoints.find((e) => e.upstream_path === '/v1/chat/completions')!.models!['gpt-4o-mini'] as PublicMeteredPrice;
    const most = meteredCallSats(mini, mini.max_input_tokens!, mini.max_output_tokens);
    expect(chat.description).toContain(`gpt-4o-mini: 150 sats per 1M input tokens, 75 per 1M cached input tokens, 600 per 1M output tokens; up to ${most} sats per call`);
    const mostOfAll = Math.max(...Object.values(m.catalog.apis[0]!.endpoints[0]!.models!).map((p) => meteredCallSats(p as PublicMeteredPrice, (p as PublicMeteredPrice).max_input_tokens!, (p as PublicMeteredPrice).max_output_tokens)));
    expect(chat.annotations?.title).toBe(`OpenAI Chat completions (metered by tokens, up to ${mostOfAll} sats per call)`);
    expect((chat._meta?.[PRICE_META_KEY] as Structured).models['gpt-4o-mini']).toMatchObject({ input_sats_per_mtok: 150, max_sats: most });
    // the schema is the catalog's validation: required fields, the priced models, no stream
    expect(chat.inputSchema.required).toEqual(['model', 'messages']);
    expect((chat.inputSchema.properties!.model as Structured).enum).toEqual(Object.keys(m.catalog.apis[0]!.endpoints[0]!.models!));
    expect(chat.inputSchema.properties!.temperature).toEqual({ type: 'number', minimum: 0, maximum: 2 });
    expect(chat.inputSchema.properties!.stream).toBeUndefined();
    expect(chat.inputSchema.additionalProperties).toBe(false);

    const images = byName.get('openai_images_generations')!;
    expect(images.description).toContain('dall-e-3: 120 sats per call');
    expect(images.annotations?.title).toBe('OpenAI Image generation (20–250 sats per call by model)');
    expect((images._meta?.[PRICE_META_KEY] as Structured).max_sats).toBe(250);
    const models = byName.get('openai_models')!;
    expect(models.description).toMatch(/Price: free$/);
    expect(models._meta?.[PRICE_META_KEY]).toEqual({ free: true, summary: 'free' });

    expect(byName.get('hire_post_task')!.description).toMatch(new RegExp(`Price: ${m.catalog.hire.post_task_sats} sats per task posted$`));
    expect(byName.get('hire_post_quote')!.description).toMatch(new RegExp(`Price: ${m.catalog.hire.quote_sats} sats per quote$`));
    expect(byName.get('hire_post_task')!.inputSchema.required).toEqual(['title', 'description']);
    expect(Object.keys(byName.get('hire_post_task')!.inputSchema.properties!)).toEqual(expect.arrayContaining(['milestones', 'acceptance']));
    for (const name of ['hire_list_tasks', 'hire_get_task', 'hire_accept_quote', 'hire_edit_quote', 'hire_deliver', 'hire_confirm', 'hire_rate', 'hire_profile', 'hire_set_webhook', 'hire_me', 'balance', 'usage', 'topup', 'usage_history', 'usage_daily', 'child_token_create', 'child_token_list', 'child_token_revoke', 'balance_alert']) expect(byName.has(name), name).toBe(true);
  });

  it('a chat call is paid from the token: the receipt says the charge, the balance drops by exactly it, usage shows the same call', async () => {
    const token = await buyToken(1000);
    const client = await connect(token);
    const before = await balanceMsat(token);
    const s = await ok(client, 'openai_chat_completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there, how are you?' }] });

    expect(s.status).toBe(200);
    expect(s.answer.object).toBe('chat.completion');
    const price = m.catalog.apis[0]!.endpoints[0]!.models!['gpt-4o-mini'] as PublicMeteredPrice;
    const expected = formulaMsat(price, s.answer.usage);
    expect(expected).toBeGreaterThan(0n);
    expect(s.receipt).toMatchObject({ kind: 'token', charged_msat: Number(expected), charged_sats: Number((expected + 999n) / 1000n) });
    expect(await balanceMsat(token)).toBe(before - expected);
    expect(BigInt(s.receipt.balance_sats)).toBe((before - expected) / 1000n);
    // the upstream got the body as the HTTP API sends it (the output limit the reservation assumed)
    expect(JSON.parse(m.upstream.lastRequest()!.body.toString())).toMatchObject({ model: 'gpt-4o-mini', max_completion_tokens: 16384 });

    const balance = await ok(client, 'balance');
    expect(balance).toEqual({ balance_sats: Number((before - expected) / 1000n), balance_msat: Number(before - expected) });
    const usage = CallUsageSchema.parse(await ok(client, 'usage', { request_id: s.receipt.request_id }));
    expect(usage).toMatchObject({ request_id: s.receipt.request_id, charged_msat: Number(expected), model: 'gpt-4o-mini', endpoint: 'POST /api/v1/openai/v1/chat/completions' });
  });

  it('a flat-priced call charges its price; a free endpoint needs no token; a stream is refused before any charge', async () => {
    const token = await buyToken(300);
    const client = await connect(token);
    const s = await ok(client, 'openai_images_generations', { model: 'dall-e-2', prompt: 'A lighthouse of coins' });
    expect(s.receipt).toMatchObject({ charged_sats: 20, balance_sats: 280 });
    expect(await balanceMsat(token)).toBe(280_000n);

    const anonymous = await connect(null);
    const models = await ok(anonymous, 'openai_models');
    expect(models.status).toBe(200);
    expect(models.receipt).toMatchObject({ kind: 'free', charged_msat: 0 });

    const refused = await fails(client, 'anthropic_messages', { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    expect(refused.error).toMatchObject({ code: 'invalid_field_value', field: 'stream' });
    expect(await balanceMsat(token)).toBe(280_000n);
  });

  it('errors carry the contract codes: no token, an unknown token, a poor token (with what to top up), a bad input', async () => {
    const anonymous = await connect(null);
    const none = await fails(anonymous, 'openai_chat_completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expect(none).toMatchObject({ error: { code: 'missing_token' }, http_status: 401 });
    expect((await fails(anonymous, 'balance')).error.code).toBe('missing_token');

    const unknown = await connect(`abl_${'A'.repeat(32)}`);
    const u = await fails(unknown, 'openai_chat_completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expect(u).toMatchObject({ error: { code: 'invalid_token' }, http_status: 401 });

    const poor = await buyToken(5);
    const client = await connect(poor);
    const p = await fails(client, 'openai_images_generations', { model: 'dall-e-3', prompt: 'A cat' });
    expect(p).toMatchObject({ error: { code: 'insufficient_balance', balance_sats: 5, price_sats: 120 }, http_status: 402, top_up: { amount_sats: 115 } });
    expect(p.top_up.how).toContain('POST /api/v1/topup');
    const q = await fails(client, 'hire_post_task', { title: 'A poem', description: 'Four lines about sats.' });
    expect(q).toMatchObject({ error: { code: 'insufficient_balance', balance_sats: 5, price_sats: m.catalog.hire.post_task_sats }, top_up: { amount_sats: m.catalog.hire.post_task_sats - 5 } });
    expect(await balanceMsat(poor)).toBe(5000n);

    // a child token's daily cap refuses it, not its balance: no top-up is advised, the cap is named
    const parent = await buyToken(500);
    const made = await ok(await connect(parent), 'child_token_create', { amount_sats: 300, max_sats_per_day: 10 });
    const capped = await fails(await connect(made.token), 'openai_images_generations', { model: 'dall-e-3', prompt: 'A cat' });
    expect(capped).toMatchObject({ error: { code: 'insufficient_balance', balance_sats: 10, price_sats: 120, limit: 'daily_cap' }, http_status: 402, daily_cap: { how: expect.stringContaining('daily cap') } });
    expect(capped.top_up).toBeUndefined();

    // the catalog's rules, as the HTTP API answers them
    const bad = await fails(client, 'openai_chat_completions', { model: 'gpt-4o-mini', messages: 'Hello' });
    expect(bad.error).toMatchObject({ code: 'invalid_field_type', field: 'messages' });
    const missing = await fails(client, 'hire_post_quote', { task_id: '00000000-0000-4000-8000-000000000000', description: 'x' });
    expect(missing.error).toMatchObject({ code: 'missing_required_field', field: 'price_sats' });
  });

  it('a speech call answers the audio as audio content, byte for byte, and charges its flat price', async () => {
    const token = await buyToken(100);
    const client = await connect(token);
    const { result, s } = await tool(client, 'openai_audio_speech', { model: 'tts-1', input: 'A little bit of money.', voice: 'alloy' });
    expect(result.isError ?? false).toBe(false);
    const audio = result.content[1] as { type: string; data: string; mimeType: string };
    expect(audio).toMatchObject({ type: 'audio', mimeType: 'audio/mpeg' });
    expect(Buffer.from(audio.data, 'base64').equals(fakeAudio('A little bit of money.'))).toBe(true);
    expect(s).toMatchObject({ status: 200, content_type: 'audio/mpeg', bytes: fakeAudio('A little bit of money.').length, receipt: { charged_sats: 60, balance_sats: 40 } });
  });

  it('a tools/call whose arguments are not an object, or of a tool that does not exist, is invalid params (-32602), not an internal error', async () => {
    const token = await buyToken(10);
    for (const args of [[1, 2], 'x']) {
      const res = await api('POST', MCP, { headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream' }, body: { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'hire_list_tasks', arguments: args } } });
      expect(res.body.error).toMatchObject({ code: -32602, message: expect.stringContaining('tools/call') });
    }
    // a tool that does not exist: said once, as the client's SDK prefixes the code itself
    const unknown = await api('POST', MCP, { headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream' }, body: { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'zzz', arguments: {} } } });
    expect(unknown.body.error).toEqual({ code: -32602, message: 'No tool is named zzz.' });
    // an object of the tool's fields still works
    const ok = await api('POST', MCP, { headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream' }, body: { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'hire_list_tasks', arguments: { limit: 1 } } } });
    expect(ok.body.result.isError).toBeUndefined();
  });

  it('is described in the OpenAPI document and answers browsers with the CORS headers', async () => {
    const doc = (await api('GET', '/api/v1/openapi.json')).body;
    expect(doc.paths[MCP].post.tags).toEqual(['mcp']);
    const res = await api('POST', MCP, { headers: { origin: 'https://agent.example', accept: 'application/json, text/event-stream' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body.result.tools.length).toBeGreaterThan(20);
    // a browser's preflight may ask for the MCP headers
    const pre = await api('OPTIONS', MCP, { headers: { origin: 'https://agent.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, mcp-protocol-version, mcp-session-id' } });
    expect(pre.status).toBe(204);
    expect(String(pre.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'mcp-protocol-version', 'mcp-session-id']));
  });

  it('a malformed token is refused on the transport (401 invalid_token), GET has no stream (405)', async () => {
    const res = await api('POST', MCP, { headers: { authorization: 'Bearer abl_short', accept: 'application/json, text/event-stream' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
    const get = await api('GET', MCP, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });
});

describe('rate limits over MCP', () => {
  let t: TestServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    // a clock that stands still: the budget's minute never ends during the test
    t = await startTestServer({ store: 'postgres', env: { ABL_AUTH_FAILURE_LIMIT: '2', ABL_RATE_LIMIT: '2' }, now: () => 1_700_000_000 });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await t?.close();
  });

  it('unknown tokens count as failed authentications: past the budget the address gets 429 on the transport', async () => {
    const guess = async () => {
      const transport = new StreamableHTTPClientTransport(new URL(`${t.url}${MCP}`), { requestInit: { headers: { authorization: `Bearer abl_${randomBytes(24).toString('base64url')}` } } });
      const client = new Client({ name: 'guesser', version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      const result = (await client.callTool({ name: 'balance', arguments: {} })) as CallToolResult;
      return (result.structuredContent as Structured).error.code as string;
    };
    expect(await guess()).toBe('invalid_token');
    expect(await guess()).toBe('invalid_token'); // the budget of two used up: the address is blocked
    const list = () => call(t.url, 'POST', MCP, { headers: { authorization: `Bearer abl_${'B'.repeat(32)}`, accept: 'application/json, text/event-stream' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    // a failure is recorded once its answer has gone
    await expect.poll(async () => (await list()).status, { timeout: 10_000 }).toBe(429);
    const blocked = await list();
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    // without credentials the tools are still listed
    const open = await call(t.url, 'POST', MCP, { headers: { accept: 'application/json, text/event-stream' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    expect(open.status).toBe(200);
  });

  it('the AI for Hire tools have the same rate limits as the routes', async () => {
    const client = new Client({ name: 'lister', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.url}${MCP}`)));
    clients.push(client);
    const list = async () => (await client.callTool({ name: 'hire_list_tasks', arguments: {} })) as CallToolResult;
    expect((await list()).isError ?? false).toBe(false);
    expect((await list()).isError ?? false).toBe(false);
    const limited = await list();
    expect(limited.isError).toBe(true);
    expect(limited.structuredContent).toMatchObject({ error: { code: 'rate_limited' }, http_status: 429, retry_after_seconds: 60 });
  });
});
