// Metered prices end to end: a real server, the fake upstreams, and the official SDKs. A call is
// charged exactly the contract's formula for the usage the upstream reported, never more than
// its ceiling; the rest of the reservation comes back; streams settle at their end, even when
// the client left; an L402 credential keeps its change.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallUsageSchema } from '../../contract/api.js';
import type { PublicCatalog, PublicMeteredPrice } from '../../contract/catalog.js';
import { aheadCeilingMsat } from './ahead-ceiling.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';

const KEY = 'sk-test-upstream-key';
const CHAT = '/api/v1/openai/v1/chat/completions';

type Usage = { input: number; cached: number; cacheWrite: number; output: number };

/** The contract's formula, computed here independently: call_sats·1000 + ceil(Σ tokens·sats_per_mtok / 1000). */
function formulaMsat(p: PublicMeteredPrice, u: Usage): bigint {
  const milli = (n: number) => BigInt(Math.round(n * 1000)); // sats per Mtok, to thousandths
  const sum = BigInt(u.input) * milli(p.input_sats_per_mtok) + BigInt(u.cached) * milli(p.cached_input_sats_per_mtok) + BigInt(u.cacheWrite) * milli(p.cache_write_sats_per_mtok) + BigInt(u.output) * milli(p.output_sats_per_mtok);
  return BigInt(p.call_sats) * 1000n + (sum + 999_999n) / 1_000_000n;
}

const chatUsage = (u: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } }): Usage => {
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  return { input: u.prompt_tokens - cached, cached, cacheWrite: 0, output: u.completion_tokens };
};

describe.each(['postgres', 'pglite'] as const)('metered prices on %s', (store) => {
  let up: FakeUpstream;
  let t: TestServer;
  let catalog: PublicCatalog;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  const priceOf = (apiName: string, path: string, model: string): PublicMeteredPrice => {
    const ep = catalog.apis.find((a) => a.name === apiName)!.endpoints.find((e) => e.upstream_path === path)!;
    return ep.models![model] as PublicMeteredPrice;
  };
  const balanceMsat = async (token: string) => BigInt((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_msat as number);

  async function buyToken(sats: number): Promise<string> {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: sats } });
    return (await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token;
  }

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    t = await startTestServer({ store, env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: up.url } });
    catalog = (await api('GET', '/api/v1/catalog')).body;
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  it('the catalog shows metered prices with every kind resolved', () => {
    expect(priceOf('openai', '/v1/chat/completions', 'gpt-4o-mini')).toEqual({
      call_sats: 0, input_sats_per_mtok: 150, cached_input_sats_per_mtok: 75, cache_write_sats_per_mtok: 150, output_sats_per_mtok: 600, max_output_tokens: 16384, max_input_tokens: 128000,
    });
  });

  it('a JSON chat call through the openai SDK pays exactly the formula; the headers and the balance agree', async () => {
    const token = await buyToken(1000);
    const before = await balanceMsat(token);
    const client = new OpenAI({ baseURL: `${t.url}/api/v1/openai/v1`, apiKey: token, maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there, how are you?' }] }).withResponse();
    const expected = formulaMsat(priceOf('openai', '/v1/chat/completions', 'gpt-4o-mini'), chatUsage(data.usage!));
    expect(response.headers.get('x-charged-msats')).toBe(expected.toString());
    expect(response.headers.get('x-charged-sats')).toBe(((expected + 999n) / 1000n).toString());
    expect(await balanceMsat(token)).toBe(before - expected); // settled before the answer was sent
    expect(BigInt(response.headers.get('x-balance-sats')!)).toBe((before - expected) / 1000n);
    // the upstream was told the output limit the reservation assumed
    expect(JSON.parse(up.lastRequest()!.body.toString())).toMatchObject({ max_completion_tokens: 16384 });
  });

  it('a streamed chat call the client asked no usage of: usage asked for upstream and metered, every chunk the client gets has a choice', async () => {
    const token = await buyToken(1000);
    const before = await balanceMsat(token);
    const client = new OpenAI({ baseURL: `${t.url}/api/v1/openai/v1`, apiKey: token, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count to five' }], stream: true, max_tokens: 100 }).withResponse();
    let text = '';
    let chunks = 0;
    // written as the SDK's own examples read a stream, with no guard for a chunk of no choices
    for await (const chunk of stream) {
      text += chunk.choices[0]!.delta.content ?? '';
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text.length).toBeGreaterThan(0);
    expect(JSON.parse(up.lastRequest()!.body.toString())).toMatchObject({ stream_options: { include_usage: true }, max_tokens: 100 });
    const id = response.headers.get('x-request-id')!;
    const receipt = await expect.poll(async () => (await api('GET', `/api/v1/usage/${id}`, { headers: { 'x-token': token } })).body.charged_msat).toBeGreaterThan(0);
    void receipt;
    expect(await balanceMsat(token)).toBeLessThan(before);
  });

  it('a streamed chat call settles at its end: the usage the client asked for, the SDK parses the stream, the receipt is readable', async () => {
    const token = await buyToken(1000);
    const before = await balanceMsat(token);
    const client = new OpenAI({ baseURL: `${t.url}/api/v1/openai/v1`, apiKey: token, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count to five' }], stream: true, stream_options: { include_usage: true }, max_tokens: 100 })
      .withResponse();
    let text = '';
    let usage: Usage | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chatUsage(chunk.usage);
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage).not.toBeNull();
    expect(JSON.parse(up.lastRequest()!.body.toString())).toMatchObject({ stream_options: { include_usage: true }, max_tokens: 100 });
    const ceiling = BigInt(response.headers.get('x-max-charge-sats')!) * 1000n;
    expect(response.headers.get('x-charged-sats')).toBeNull();
    const expected = formulaMsat(priceOf('openai', '/v1/chat/completions', 'gpt-4o-mini'), usage!);
    expect(expected).toBeLessThanOrEqual(ceiling);
    const id = response.headers.get('x-request-id')!;
    const receipt = await expect.poll(async () => (await api('GET', `/api/v1/usage/${id}`, { headers: { authorization: `Bearer ${token}` } })).body).toMatchObject({ charged_msat: Number(expected) });
    void receipt;
    expect(await balanceMsat(token)).toBe(before - expected);
    expect((await api('GET', `/api/v1/usage/${id}`, { headers: { 'x-token': await buyToken(1) } })).status).toBe(404); // another token sees nothing
  });

  it("a stream's X-Balance-Sats is the balance with its ceiling held, though the hold reserved ahead for it is a step larger", async () => {
    const token = await buyToken(100);
    const before = await balanceMsat(token);
    // gpt-4o with 1,250 output tokens: a 13-sat ceiling, whose hold reserved ahead is the next step, 14
    const res = await fetch(`${t.url}/api/v1/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Count to five' }], stream: true, max_tokens: 1250 }),
    });
    expect(res.status).toBe(200);
    const ceiling = BigInt(res.headers.get('x-max-charge-sats')!) * 1000n;
    expect(aheadCeilingMsat(ceiling)).toBeGreaterThan(ceiling);
    expect(BigInt(res.headers.get('x-balance-sats')!)).toBe((before - ceiling) / 1000n);
    await res.text();
  });

  it("a token too poor for a call while its own calls still run is told what those hold (held_sats), which comes back as they end", async () => {
    const token = await buyToken(30);
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Count to five' }], max_tokens: 1250 }; // a 13-sat ceiling
    const running = [api('POST', CHAT, { body, headers: { 'x-token': token, 'x-fake-behavior': 'wait' } }), api('POST', CHAT, { body, headers: { 'x-token': token, 'x-fake-behavior': 'wait' } })];
    await expect.poll(() => up.held()).toBe(2);
    const refused = await api('POST', CHAT, { body, headers: { 'x-token': token } });
    expect(refused.status).toBe(402);
    const { balance_sats, held_sats } = refused.body.error;
    expect(held_sats).toBeGreaterThanOrEqual(26); // the two running calls' holds (a hold reserved ahead may be a step above the ceiling)
    expect(balance_sats + held_sats).toBe(30);
    expect(refused.body.error.message).toContain(`${held_sats} more are held by this token's calls still running`);
    up.release();
    for (const r of running) expect((await r).status).toBe(200);
    // their change comes back (on PostgreSQL a refusal can still race the pool's give-back under load: asked again until served)
    await expect.poll(async () => (await api('POST', CHAT, { body, headers: { 'x-token': token } })).status).toBe(200);
  });

  it('a stream the upstream ends with an error event of its own (Anthropic overloaded) is an upstream failure: not charged', async () => {
    const token = await buyToken(500);
    const before = await balanceMsat(token);
    const client = new Anthropic({ baseURL: `${t.url}/api/v1/anthropic`, apiKey: token, maxRetries: 0 });
    const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Stream please' }] }, { headers: { 'x-fake-behavior': 'error-mid-stream' } });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
    // the hold goes back whole: no estimate of the two deltas it sent
    await expect.poll(() => balanceMsat(token)).toBe(before);
    const id = (await stream.withResponse()).response.headers.get('x-request-id')!;
    expect((await api('GET', `/api/v1/usage/${id}`, { headers: { 'x-token': token } })).status).toBe(404);
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });

  it('the Anthropic SDK works with the token as its API key, JSON and streaming, cache kinds priced', async () => {
    const token = await buyToken(2000);
    const client = new Anthropic({ baseURL: `${t.url}/api/v1/anthropic`, apiKey: token, maxRetries: 0 });
    const before = await balanceMsat(token);
    const { data: msg, response } = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Say hello' }] }).withResponse();
    const price = priceOf('anthropic', '/v1/messages', 'claude-haiku-4-5');
    const u = msg.usage;
    const expected = formulaMsat(price, { input: u.input_tokens, cached: u.cache_read_input_tokens ?? 0, cacheWrite: u.cache_creation_input_tokens ?? 0, output: u.output_tokens });
    expect(response.headers.get('x-charged-msats')).toBe(expected.toString());
    expect(await balanceMsat(token)).toBe(before - expected);

    const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Stream please' }] });
    const final = await stream.finalMessage();
    const id = (await stream.withResponse()).response.headers.get('x-request-id')!;
    const fu = final.usage;
    const streamed = formulaMsat(price, { input: fu.input_tokens, cached: fu.cache_read_input_tokens ?? 0, cacheWrite: fu.cache_creation_input_tokens ?? 0, output: fu.output_tokens });
    await expect.poll(async () => (await api('GET', `/api/v1/usage/${id}`, { headers: { 'x-token': token } })).body.charged_msat).toBe(Number(streamed));
  });

  it('asks no more output than the model allows, and a balance below the ceiling names the ceiling', async () => {
    const token = await buyToken(5);
    const tooMuch = await api('POST', CHAT, { headers: { 'x-token': token }, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 16385 } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toMatchObject({ code: 'invalid_field_value', field: 'max_completion_tokens' });
    const poor = await api('POST', CHAT, { headers: { 'x-token': token }, body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] } });
    expect(poor.status).toBe(402);
    expect(poor.body.error.code).toBe('insufficient_balance');
    expect(poor.body.error.price_sats).toBeGreaterThanOrEqual(Math.ceil((16384 * 10000) / 1_000_000)); // the output limit alone at gpt-4o's price
    expect(poor.body.error.message).toMatch(/^This call may cost up to \d+ sats; the balance is 5 sats/); // a ceiling, not a price
    expect(await balanceMsat(token)).toBe(5000n);
    // an Anthropic cache kept an hour is billed above the catalog's price: refused before anything is held or sent
    const hour = await api('POST', '/api/v1/anthropic/v1/messages', { headers: { 'x-token': token }, body: { model: 'claude-haiku-4-5', max_tokens: 16, system: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral', ttl: '1h' } }], messages: [{ role: 'user', content: 'Hi' }] } });
    expect([hour.status, hour.body.error.code, hour.body.error.field]).toEqual([400, 'invalid_field_value', 'system']);
    expect(hour.body.error.message).toContain('system[0].cache_control.ttl');
    expect(await balanceMsat(token)).toBe(5000n);
  });

  it('an L402 credential is worth its invoice: it keeps its change for the next requests, then asks for more', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 50 };
    const roomy = { ...body, max_completion_tokens: 5000 }; // its ceiling (the invoice) holds several small calls
    const challenge = await api('POST', CHAT, { body: roomy });
    expect(challenge.status).toBe(402);
    expect(challenge.body.amount_sats).toBeGreaterThan(2);
    const auth = `L402 ${challenge.body.macaroon}:${await t.pay(challenge.body.invoice)}`;
    const first = await api('POST', CHAT, { body: roomy, headers: { authorization: auth } });
    expect(first.status).toBe(200);
    const charged = BigInt(first.headers['x-charged-msats'] as string);
    expect(charged).toBeLessThan(BigInt(challenge.body.amount_sats) * 1000n);
    const second = await api('POST', CHAT, { body, headers: { authorization: auth } });
    expect(second.status).toBe(200); // paid from what the first left
    const receipt = await api('GET', `/api/v1/usage/${second.headers['x-request-id']}`, { headers: { authorization: auth } });
    expect(receipt.body.charged_msat).toBe(Number(second.headers['x-charged-msats']));
    // the receipt is the credential's to read: with another preimage the macaroon does not match (401), not "no such call"
    const forged = await api('GET', `/api/v1/usage/${second.headers['x-request-id']}`, { headers: { authorization: `L402 ${challenge.body.macaroon}:${'ab'.repeat(32)}` } });
    expect([forged.status, forged.body.error.code]).toEqual([401, 'invalid_payment']);
    // a bigger request than what remains: 402 insufficient_balance with a fresh invoice to pay
    const big = await api('POST', CHAT, { body: { ...body, max_completion_tokens: 16000 }, headers: { authorization: auth } });
    expect(big.status).toBe(402);
    expect(big.body.error.code).toBe('insufficient_balance');
    expect(big.body.invoice).toMatch(/^ln/);
    expect(big.headers['www-authenticate']).toBeDefined();
  });

  it('a client that leaves mid-stream is charged for what the upstream did; the audit stays clean', async () => {
    const token = await buyToken(1000);
    const before = await balanceMsat(token);
    const abort = new AbortController();
    const res = await fetch(`${t.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-token': token, 'x-fake-behavior': 'hold' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'A long story' }], stream: true }),
      signal: abort.signal,
    });
    const id = res.headers.get('x-request-id')!;
    const reader = res.body!.getReader();
    await reader.read(); // the first chunk arrived: the upstream is working
    abort.abort();
    await expect.poll(() => up.held()).toBe(1);
    up.release();
    const row = await expect.poll(async () => (await api('GET', `/api/v1/usage/${id}`, { headers: { 'x-token': token } })).status).toBe(200);
    void row;
    const receipt = CallUsageSchema.parse((await api('GET', `/api/v1/usage/${id}`, { headers: { 'x-token': token } })).body);
    expect(receipt.usage!.estimated).toBe(false);
    expect(BigInt(receipt.charged_msat)).toBe(formulaMsat(priceOf('openai', '/v1/chat/completions', 'gpt-4o-mini'), { input: receipt.usage!.input_tokens, cached: receipt.usage!.cached_input_tokens, cacheWrite: 0, output: receipt.usage!.output_tokens }));
    expect(await balanceMsat(token)).toBe(before - BigInt(receipt.charged_msat));
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });

  it('parallel metered calls on one token never overspend; every hold is settled', async () => {
    const token = await buyToken(200);
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 20_000 / 2 };
    const results = await Promise.all(Array.from({ length: 30 }, () => api('POST', CHAT, { body, headers: { 'x-token': token } })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 200 || (r.status === 402 && r.body.error.code === 'insufficient_balance'))).toBe(true);
    const spent = ok.reduce((s, r) => s + BigInt(r.headers['x-charged-msats'] as string), 0n);
    expect(await balanceMsat(token)).toBe(200_000n - spent);
    // holds reserved ahead and not used yet (PGlite) are not calls in flight
    // (both read on each try: a pool's change hold goes back once its calls have settled, after their answers)
    await expect.poll(async () => (await t.server.ledger.stats()).callsInFlight - (t.server.reserveAhead?.unusedHolds() ?? 0)).toBe(0);
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });

  it('the charges metric counts every millisat: its total is the revenue the ledger booked', async () => {
    const metrics = async () => String((await api('GET', '/metrics')).body);
    const charged = (text: string) => [...text.matchAll(/^abl_sats_charged_total\{[^}]*\} (\S+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    const revenueMsat = (text: string) => Number(/^abl_ledger_msat\{account="revenue"\} (\S+)$/m.exec(text)?.[1]);
    const token = await buyToken(100);
    for (let i = 0; i < 7; i++) {
      const paid = await api('POST', CHAT, { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Hello ${i}` }] }, headers: { 'x-token': token } });
      expect(paid.status).toBe(200);
      expect(Number(paid.headers['x-charged-msats']) % 1000).not.toBe(0);
    }
    // each value exact to the millisat: at most three decimals, whatever was added to it
    for (const m of (await metrics()).matchAll(/^abl_sats_(?:charged|refunded)_total\{[^}]*\} (\S+)$/gm)) expect(m[1]).toMatch(/^\d+(\.\d{1,3})?$/);
    // metered calls cost a few dozen msat here: counted in whole sats each, they would count nothing
    await expect.poll(async () => {
      const text = await metrics();
      return Math.round(charged(text) * 1000) - revenueMsat(text);
    }).toBe(0);
    expect(revenueMsat(await metrics())).toBeGreaterThan(0);
  });
});
