// Child tokens through a real server: made from a parent's balance, spending within their APIs,
// daily cap and expiry, refused past them, revoked with the rest (and the change of a call still
// in flight, and a refill paid after the revocation) going back to the parent; a child and its
// parent spending at once on two instances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildTokenCreatedSchema, ChildTokenListSchema } from '../../contract/api.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { buyToken as buyWith } from '../testing/flows.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { createPostgresSchema } from '../store/testing.js';

const KEY = 'sk-tokens';
const CHAT = '/api/v1/openai/v1/chat/completions';
const CLAUDE = '/api/v1/anthropic/v1/messages';
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }; // 30 sats flat here
const DAY = 86_400;

/**
 * A server on the embedded store with the flat prices, for the describe block that calls this. Its
 * clock stays where the file started, so a daily cap cannot reset between two calls at midnight UTC.
 */
function useEmbeddedServer(): () => TestServer {
  const flat = writeFlatPricedConfig();
  const startedAt = Math.floor(Date.now() / 1000);
  let up: FakeUpstream | undefined;
  let t: TestServer | undefined;
  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    t = await startTestServer({ store: 'pglite', env: { ABL_CONFIG: flat.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url }, now: () => startedAt });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
    flat.remove();
  });
  return () => {
    if (!t) throw new Error('the server is not running');
    return t;
  };
}

describe('child tokens', () => {
  const flat = writeFlatPricedConfig();
  const clock = { now: Math.floor(Date.now() / 1000) };
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let up: FakeUpstream;
  let a: TestServer;
  let b: TestServer;
  const api = (t: TestServer, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(t.url, method, path, { headers: { 'x-token': token, ...headers }, ...(body !== undefined ? { body } : {}) });
  const msat = async (token: string) => BigInt((await api(a, 'GET', '/api/v1/balance', token)).body.balance_msat as number);

  const buyToken = (sats: number) => buyWith(a, sats);
  const child = async (parent: string, spec: Record<string, unknown>) => ChildTokenCreatedSchema.parse((await api(a, 'POST', '/api/v1/tokens', parent, spec)).body);

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    schema = await createPostgresSchema();
    const env = { ABL_CONFIG: flat.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: up.url, L402_ROOT_KEY: 'ab'.repeat(32) };
    a = await startTestServer({ store: 'postgres', databaseUrl: schema.url, env, now: () => clock.now });
    b = await startTestServer({ store: 'postgres', databaseUrl: schema.url, devnode: a.devnode, env, now: () => clock.now });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await up?.close();
    await schema?.drop();
    flat.remove();
  });

  it('is paid from the parent, spends only on its APIs, cannot mint or withdraw', async () => {
    const parent = await buyToken(500);
    const made = await child(parent, { amount_sats: 100, apis: ['openai'] });
    expect(made).toMatchObject({ amount_sats: 100, balance_sats: 100, apis: ['openai'], revoked: false });
    expect(made.token).toMatch(/^abl_/);
    expect(await msat(parent)).toBe(400_000n);

    const served = await api(a, 'POST', CHAT, made.token, chat);
    expect(served.status).toBe(200);
    expect(served.headers['x-balance-sats']).toBe('70');
    // no daily cap: what it spent today is still told
    const listed = (await api(a, 'GET', '/api/v1/tokens', parent)).body.data.find((c: { id: string }) => c.id === made.id);
    expect(listed).toMatchObject({ max_sats_per_day: null, balance_sats: 70, spent_today_sats: 30, spent_today_msat: 30_000 });
    const claude = await api(a, 'POST', CLAUDE, made.token, { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] });
    expect([claude.status, claude.body.error.code]).toEqual([403, 'forbidden']);
    const hire = await api(a, 'POST', '/api/v1/ai-for-hire/tasks', made.token, { title: 'T', description: 'D' });
    expect([hire.status, hire.body.error.code]).toEqual([403, 'forbidden']);
    const mint = await api(a, 'POST', '/api/v1/tokens', made.token, { amount_sats: 1 });
    expect([mint.status, mint.body.error.code]).toEqual([403, 'forbidden']);

    const unrestricted = await child(parent, { amount_sats: 50 });
    const collect = await api(a, 'POST', '/api/v1/ai-for-hire/collect', unrestricted.token, { invoice: 'lnbcrt1' });
    expect([collect.status, collect.body.error.code]).toEqual([403, 'forbidden']);
    const poor = await api(a, 'POST', '/api/v1/tokens', parent, { amount_sats: 10_000 });
    expect(poor.status).toBe(402);
    expect(poor.body.error).toMatchObject({ code: 'insufficient_balance', balance_sats: 350, price_sats: 10_000 });
    const badApi = await api(a, 'POST', '/api/v1/tokens', parent, { amount_sats: 1, apis: ['nope'] });
    expect(badApi.body.error).toMatchObject({ code: 'invalid_field_value', field: 'apis' });
  });

  it('keeps to its daily cap (charges and reservations of one UTC day), then spends again the next day', async () => {
    const parent = await buyToken(500);
    const capped = await child(parent, { amount_sats: 200, max_sats_per_day: 70 });
    expect((await api(a, 'POST', CHAT, capped.token, chat)).status).toBe(200);
    expect((await api(b, 'POST', CHAT, capped.token, chat)).status).toBe(200);
    const third = await api(a, 'POST', CHAT, capped.token, chat);
    expect(third.status).toBe(402);
    expect(third.body.error).toMatchObject({ code: 'insufficient_balance', balance_sats: 10, price_sats: 30, limit: 'daily_cap' });
    const listed = ChildTokenListSchema.parse((await api(a, 'GET', '/api/v1/tokens', parent)).body).data.find((c) => c.id === capped.id)!;
    expect(listed).toMatchObject({ spent_today_sats: 60, max_sats_per_day: 70, balance_sats: 140 });
    clock.now += DAY;
    expect((await api(a, 'POST', CHAT, capped.token, chat)).status).toBe(200);
  });

  it('a metered call whose ceiling is above what the cap leaves says so, and goes through with a smaller max_tokens', async () => {
    const parent = await buyToken(500);
    const capped = await child(parent, { amount_sats: 200, max_sats_per_day: 5 });
    // gpt-4.1-nano's ceiling with its whole output limit is above the cap, though nothing was spent
    const nano = { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hello' }] };
    const refused = await api(a, 'POST', CHAT, capped.token, nano);
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_balance', balance_sats: 5, limit: 'daily_cap' });
    expect(refused.body.error.price_sats).toBeGreaterThan(5);
    expect(refused.body.error.message).toContain('a smaller max_tokens lowers it');
    expect((await api(a, 'POST', CHAT, capped.token, { ...nano, max_tokens: 50 })).status).toBe(200);
  });

  it('is refused once expired', async () => {
    const parent = await buyToken(100);
    const brief = await child(parent, { amount_sats: 50, expires_at: clock.now + 60 });
    expect((await api(a, 'GET', '/api/v1/balance', brief.token)).status).toBe(200);
    clock.now += 61;
    const late = await api(a, 'POST', CHAT, brief.token, chat);
    expect([late.status, late.body.error.code]).toEqual([401, 'invalid_token']);
    // told why, wherever it is shown: an agent asks its parent for a new one instead of retrying
    expect(late.body.error.message).toContain('This token has expired');
    expect((await api(a, 'GET', '/api/v1/balance', brief.token)).body.error.message).toContain('This token has expired');
    expect((await api(a, 'POST', '/api/v1/tokens', parent, { amount_sats: 1, expires_at: clock.now - 1 })).body.error).toMatchObject({ code: 'invalid_field_value', field: 'expires_at' });
    // null is "none", as leaving the field out
    expect((await api(a, 'POST', '/api/v1/tokens', parent, { amount_sats: 1, expires_at: null, max_sats_per_day: null, apis: null })).body).toMatchObject({ expires_at: null, max_sats_per_day: null, apis: null });
    // past the end of year 9999: no date a client can show
    expect((await api(a, 'POST', '/api/v1/tokens', parent, { amount_sats: 1, expires_at: 99_999_999_999_999 })).body.error).toMatchObject({ code: 'invalid_field_value', field: 'expires_at' });
  });

  it('revoked: the rest goes back, and so does the change of a call still in flight; refused from then on', async () => {
    const parent = await buyToken(300);
    const made = await child(parent, { amount_sats: 100 });
    const pending = api(a, 'POST', CHAT, made.token, chat, { 'x-fake-behavior': 'error-500' }); // fails upstream: its hold is released
    const inFlight = api(a, 'POST', CHAT, made.token, { ...chat }, { 'x-fake-behavior': 'wait' });
    // a metered call (gpt-4.1-nano stays metered here) reserves its ceiling and settles less
    const metered = api(a, 'POST', CHAT, made.token, { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 5000 }, { 'x-fake-behavior': 'wait' });
    await expect.poll(() => up.held()).toBe(2);
    expect((await pending).status).toBe(502);
    const revoked = await api(a, 'DELETE', `/api/v1/tokens/${made.id}`, parent);
    expect(revoked.body).toEqual({ id: made.id, revoked: true, returned_sats: 67, returned_msat: 67_000 }); // 100 - 30 - the 3-sat ceiling
    up.release();
    expect((await inFlight).status).toBe(200); // served: its 30 sats are spent, nothing comes back
    const settled = await metered;
    expect(settled.status).toBe(200);
    const charged = BigInt(settled.headers['x-charged-msats'] as string);
    expect(charged).toBeLessThan(3000n);
    const after = await api(a, 'POST', CHAT, made.token, chat);
    expect([after.status, after.body.error.code]).toEqual([401, 'invalid_token']);
    expect(after.body.error.message).toContain('This token was revoked by its parent');
    expect((await api(a, 'GET', '/api/v1/usage', made.token)).body.error.message).toContain('revoked');
    expect((await api(a, 'POST', CHAT, `abl_${'q'.repeat(43)}`, chat)).body.error.message).toBe('Unknown token.');
    expect((await api(a, 'DELETE', `/api/v1/tokens/${made.id}`, parent)).body.error.code).toBe('invalid_state');
    expect((await api(a, 'DELETE', '/api/v1/tokens/999999999', parent)).status).toBe(404);
    // the metered call's change followed the revoked child's balance to the parent
    expect(await msat(parent)).toBe(270_000n - charged);
    expect((await a.server.ledger.audit()).problems).toEqual([]);
  });

  it('money moved to a child and back is neither spent nor credited: the parent’s daily totals, the child’s spent today', async () => {
    const parent = await buyToken(400);
    const made = await child(parent, { amount_sats: 200 });
    expect((await api(a, 'POST', CHAT, made.token, chat)).status).toBe(200); // 30 sats
    expect((await api(a, 'DELETE', `/api/v1/tokens/${made.id}`, parent)).body).toMatchObject({ returned_sats: 170 });
    const listed = (await api(a, 'GET', '/api/v1/tokens', parent)).body.data.find((c: { id: string }) => c.id === made.id);
    expect(listed).toMatchObject({ revoked: true, spent_today_sats: 30 });
    const days = (await api(a, 'GET', '/api/v1/usage/daily', parent)).body.days as { spent_msat: number; credited_msat: number }[];
    const total = days.reduce((t, d) => ({ spent: t.spent + d.spent_msat, credited: t.credited + d.credited_msat }), { spent: 0, credited: 0 });
    expect(total).toEqual({ spent: 0, credited: 400_000 });
  });

  it('a refill invoice a child made, paid after it was revoked, credits its parent', async () => {
    const parent = await buyToken(300);
    const made = await child(parent, { amount_sats: 100 });
    const refill = await api(a, 'POST', '/api/v1/topup', made.token, { amount_sats: 40 });
    expect(refill.status).toBe(201);
    expect((await api(a, 'DELETE', `/api/v1/tokens/${made.id}`, parent)).body).toMatchObject({ returned_sats: 100 });
    const claimed = await call(a.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await a.pay(refill.body.invoice) } });
    expect(claimed.status).toBe(200);
    expect(await msat(parent)).toBe(340_000n);
    const listed = (await api(a, 'GET', '/api/v1/tokens', parent)).body.data.find((c: { id: string }) => c.id === made.id);
    expect(listed).toMatchObject({ revoked: true, balance_sats: 0 });
    expect((await a.server.ledger.audit()).problems).toEqual([]);
  });

  it('a child and its parent spending at once on two instances: exact, never below zero, audit clean', async () => {
    const parent = await buyToken(1000);
    const made = await child(parent, { amount_sats: 300 }); // the parent keeps 700
    const calls = Array.from({ length: 40 }, (_, i) => api(i % 2 ? a : b, 'POST', CHAT, i % 4 < 2 ? made.token : parent, chat));
    const results = await Promise.all(calls);
    const servedBy = (token: string) => results.filter((r, i) => r.status === 200 && (i % 4 < 2 ? made.token : parent) === token).length;
    expect(results.every((r) => r.status === 200 || (r.status === 402 && r.body.error.code === 'insufficient_balance'))).toBe(true);
    expect(servedBy(made.token)).toBe(10); // 300 / 30
    expect(servedBy(parent)).toBe(20); // 20 calls asked, 700 covers 23
    await expect.poll(async () => (await a.server.ledger.stats()).callsInFlight).toBe(0);
    expect(await msat(made.token)).toBe(0n);
    expect(await msat(parent)).toBe(100_000n);
    expect((await a.server.ledger.audit()).problems).toEqual([]);
  });
});

describe('a child token on the embedded store', () => {
  const server = useEmbeddedServer();

  it('is made, spent, refused past its budget and revoked, the books exact', async () => {
    const t = server();
    const parent = await buyWith(t, 200);
    const made = ChildTokenCreatedSchema.parse((await call(t.url, 'POST', '/api/v1/tokens', { headers: { 'x-token': parent }, body: { amount_sats: 100, max_sats_per_day: 60 } })).body);
    const spend = () => call(t.url, 'POST', CHAT, { headers: { 'x-token': made.token }, body: chat });
    expect((await spend()).status).toBe(200);
    expect((await spend()).status).toBe(200);
    const refused = await spend();
    expect([refused.status, refused.body.error.code]).toEqual([402, 'insufficient_balance']);
    const revoked = await call(t.url, 'DELETE', `/api/v1/tokens/${made.id}`, { headers: { 'x-token': parent } });
    expect(revoked.body).toMatchObject({ revoked: true, returned_sats: 40 });
    expect((await spend()).status).toBe(401);
    expect((await call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': parent } })).body.balance_sats).toBe(140);
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });
});

describe('the low-balance alert', () => {
  const server = useEmbeddedServer();

  it('paid answers say X-Balance-Low once the balance is below the threshold the token set', async () => {
    const t = server();
    const token = await buyWith(t, 100);
    const as = { 'x-token': token };
    expect((await call(t.url, 'GET', '/api/v1/balance/alert', { headers: as })).body).toEqual({ below_sats: null });
    expect((await call(t.url, 'PUT', '/api/v1/balance/alert', { headers: as, body: { below_sats: 50 } })).body).toEqual({ below_sats: 50 });
    expect((await call(t.url, 'GET', '/api/v1/balance/alert', { headers: as })).body).toEqual({ below_sats: 50 });
    expect((await call(t.url, 'GET', '/api/v1/balance/alert')).body.error).toMatchObject({ code: 'missing_token' });
    const first = await call(t.url, 'POST', CHAT, { headers: as, body: chat }); // 100 → 70
    expect(first.headers['x-balance-low']).toBeUndefined();
    const second = await call(t.url, 'POST', CHAT, { headers: as, body: chat }); // 70 → 40
    expect(second.headers['x-balance-low']).toBe('true');
    // an invoice credential pays; the token beside it is named: its balance and its alert, as its own calls say them
    const offered = await call(t.url, 'POST', CHAT, { body: chat });
    const l402 = `L402 ${offered.body.macaroon}:${await t.pay(offered.body.invoice)}`;
    const named = await call(t.url, 'POST', CHAT, { headers: { ...as, authorization: l402 }, body: chat });
    expect([named.status, named.headers['x-balance-sats'], named.headers['x-balance-low']]).toEqual([200, '40', 'true']);
    await call(t.url, 'PUT', '/api/v1/balance/alert', { headers: as, body: { below_sats: null } });
    expect((await call(t.url, 'GET', '/api/v1/balance/alert', { headers: as })).body).toEqual({ below_sats: null });
    expect((await call(t.url, 'POST', CHAT, { headers: as, body: chat })).headers['x-balance-low']).toBeUndefined();
    expect((await call(t.url, 'PUT', '/api/v1/balance/alert', { headers: as, body: { below_sats: 0 } })).body.error).toMatchObject({ code: 'invalid_field_value', field: 'below_sats' });
  });

  it('a threshold set or cleared between calls counts from the next call, while the token’s next calls are paid from holds taken ahead', async () => {
    const t = server();
    const token = await buyWith(t, 10_000);
    const as = { 'x-token': token };
    expect((await call(t.url, 'POST', CHAT, { headers: as, body: chat })).headers['x-balance-low']).toBeUndefined();
    expect(t.server.reserveAhead!.unusedHolds()).toBeGreaterThan(0);
    await call(t.url, 'PUT', '/api/v1/balance/alert', { headers: as, body: { below_sats: 20_000 } });
    expect((await call(t.url, 'POST', CHAT, { headers: as, body: chat })).headers['x-balance-low']).toBe('true');
    await call(t.url, 'PUT', '/api/v1/balance/alert', { headers: as, body: { below_sats: null } });
    expect((await call(t.url, 'POST', CHAT, { headers: as, body: chat })).headers['x-balance-low']).toBeUndefined();
  });
});
