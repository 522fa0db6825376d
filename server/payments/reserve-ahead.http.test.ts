// Reserving ahead through the HTTP API, two instances on one PostgreSQL: the balance a client sees
// (X-Balance-Sats, GET /api/v1/balance) on the instance that serves it is exact, another instance
// shows the unused holds as spent until they go back, and concurrent calls through both never
// spend a sat twice; the audit stays clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream } from '../testing/fake-upstream/server.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { buyToken } from '../testing/flows.js';
import { call, type TestServer } from '../testing/harness.js';
import { twoInstances } from '../testing/two-instances.js';

const KEY = 'sk-reserve-ahead';
const EMBEDDINGS = '/api/v1/openai/v1/embeddings';
const body = { model: 'text-embedding-3-small', input: 'x' }; // 5 sats, flat-priced

describe('reserving ahead on two instances', () => {
  let up: FakeUpstream;
  let a: TestServer;
  let b: TestServer;
  const config = writeFlatPricedConfig();
  // idle holds go back only when a test stops an instance: the timer never decides an assertion
  const rig = twoInstances({ apiKey: KEY, configPath: config.path, dirPrefix: 'abl-ahead-', env: { ABL_RESERVE_AHEAD: '8', ABL_RESERVE_AHEAD_IDLE_MS: '600000' } });
  const balance = async (t: TestServer, token: string) => (await call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats as number;

  beforeAll(async () => {
    await rig.start();
    ({ up, a, b } = rig);
  });
  afterAll(async () => {
    await rig.close();
    config.remove();
  });

  it('concurrent calls through both instances: as many served as the balance pays, each once', async () => {
    const token = await buyToken(a, 203);
    const before = up.requests();
    const results = await Promise.all(Array.from({ length: 60 }, (_x, i) => call(i % 2 ? a.url : b.url, 'POST', EMBEDDINGS, { body, headers: { 'x-token': token } })));
    const served = results.filter((r) => r.status === 200).length;
    for (const r of results.filter((r) => r.status !== 200)) expect(r.body.error.code).toBe('insufficient_balance');
    expect(up.requests() - before).toBe(served);
    // holds one instance keeps unused can meet another's refusal: at most what one fill takes (8 calls)
    expect(served).toBeGreaterThanOrEqual(40 - 8);
    expect(served).toBeLessThanOrEqual(40);
    // what each instance shows counts its own unused holds back; together with the other's, exact
    const unusedA = a.server.reserveAhead!.heldHereMsat(await accountOf(a, token));
    const unusedB = b.server.reserveAhead!.heldHereMsat(await accountOf(a, token));
    const exact = 203 - 5 * served;
    expect(await balance(a, token)).toBe(exact - Number(unusedB / 1000n));
    expect(await balance(b, token)).toBe(exact - Number(unusedA / 1000n));
    expect((await a.server.ledger.audit()).problems).toEqual([]);
  });

  it('the history, a child token and /me on the serving instance see the whole balance: its unused holds go back first', async () => {
    const token = await buyToken(b, 1000);
    const as = { headers: { 'x-token': token } };
    for (let i = 0; i < 3; i++) expect((await call(b.url, 'POST', EMBEDDINGS, { body, ...as })).status).toBe(200);
    const history = await call(b.url, 'GET', '/api/v1/usage', as);
    expect(history.status).toBe(200);
    const calls = history.body.data.filter((r: { kind: string }) => r.kind === 'call');
    expect(calls).toHaveLength(3);
    // the last call's settlement may still be on its way (a flat call settles off the response path): pending or settled
    for (const r of calls) expect(['pending', 'settled']).toContain(r.status);
    expect(history.body.data[0].balance_after_msat).toBe(985_000);
    for (let i = 0; i < 2; i++) expect((await call(b.url, 'POST', EMBEDDINGS, { body, ...as })).status).toBe(200);
    expect((await call(b.url, 'GET', '/api/v1/ai-for-hire/me', as)).body.balance_sats).toBe(975);
    expect((await call(b.url, 'POST', EMBEDDINGS, { body, ...as })).status).toBe(200);
    // all of what GET /balance shows can fund a child token
    expect(await balance(b, token)).toBe(970);
    const child = await call(b.url, 'POST', '/api/v1/tokens', { body: { amount_sats: 970 }, ...as });
    expect(child.status, JSON.stringify(child.body)).toBe(201);
    expect(await balance(b, token)).toBe(0);
    expect((await b.server.ledger.audit()).problems).toEqual([]);
  });

  it('calls one after another: each answer’s X-Balance-Sats and the balance on that instance are exact; the other instance shows the unused holds as spent until they go back', async () => {
    const token = await buyToken(a, 1000);
    for (let i = 1; i <= 10; i++) {
      const r = await call(a.url, 'POST', EMBEDDINGS, { body, headers: { 'x-token': token } });
      expect(r.status).toBe(200);
      expect(r.headers['x-charged-sats']).toBe('5');
      expect(r.headers['x-balance-sats']).toBe(String(1000 - 5 * i));
      expect(await balance(a, token)).toBe(1000 - 5 * i);
    }
    // an invoice credential pays; the token beside it only names the balance to show: the same as above
    const offered = await call(a.url, 'POST', EMBEDDINGS, { body });
    const l402 = `L402 ${offered.body.macaroon}:${await a.pay(offered.body.invoice)}`;
    const paid = await call(a.url, 'POST', EMBEDDINGS, { body, headers: { 'x-token': token, authorization: l402 } });
    expect([paid.status, paid.headers['x-balance-sats']]).toEqual([200, String(1000 - 5 * 10)]);
    // ten calls took two fills of eight: six holds still unused on a
    expect(await balance(b, token)).toBe(1000 - 5 * 10 - 5 * 6);
    await a.stop();
    expect(await balance(b, token)).toBe(1000 - 5 * 10);
    expect((await b.server.ledger.audit()).problems).toEqual([]);
  });
});

async function accountOf(t: TestServer, token: string): Promise<bigint> {
  const { hashToken } = await import('../ledger/index.js');
  return (await t.server.ledger.accountByToken(hashToken(token)))!.id;
}

/** One server as shipped on the flat-priced catalog, with a fake upstream; everything closed after fn. */
async function withShippedServer(store: 'pglite' | 'postgres', env: Record<string, string>, fn: (t: TestServer) => Promise<void>): Promise<void> {
  const { startFakeUpstream } = await import('../testing/fake-upstream/server.js');
  const { startTestServer } = await import('../testing/harness.js');
  const up = await startFakeUpstream({ apiKey: KEY });
  const config = writeFlatPricedConfig();
  const t = await startTestServer({ store, env: { ABL_CONFIG: config.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, ...env } });
  try {
    await fn(t);
  } finally {
    await t.close();
    await up.close();
    config.remove();
  }
}

describe('reserving ahead by default on PGlite, and on PostgreSQL while one instance serves it', () => {
  it('the setting: a whole number from 0 to 1000, unset means the store’s default', async () => {
    const { readSettings } = await import('../config.js');
    expect(readSettings({}).ABL_RESERVE_AHEAD).toBeUndefined();
    expect(readSettings({ ABL_RESERVE_AHEAD: '0' }).ABL_RESERVE_AHEAD).toBe(0);
    expect(readSettings({ ABL_RESERVE_AHEAD: '32' }).ABL_RESERVE_AHEAD).toBe(32);
    expect(() => readSettings({ ABL_RESERVE_AHEAD: 'many' })).toThrow(/ABL_RESERVE_AHEAD/);
    expect(() => readSettings({ ABL_RESERVE_AHEAD: '1001' })).toThrow(/ABL_RESERVE_AHEAD/);
    expect(() => readSettings({ ABL_RESERVE_AHEAD_IDLE_MS: '5' })).toThrow(/ABL_RESERVE_AHEAD_IDLE_MS/);
  });

  it.each(['pglite', 'postgres'] as const)('%s as shipped: calls one after another, each answer’s balance exact', (store) =>
    withShippedServer(store, {}, async (t) => {
      const token = await buyToken(t, 500);
      for (let i = 1; i <= 3; i++) {
        const r = await call(t.url, 'POST', EMBEDDINGS, { body, headers: { 'x-token': token } });
        expect(r.headers['x-balance-sats']).toBe(String(500 - 5 * i));
      }
      // up to 64 calls' holds, at most a quarter of 500 sats: 25 were taken and 22 are still unused
      expect(t.server.reserveAhead!.heldHereMsat(await accountOf(t, token))).toBe(22n * 5_000n);
      expect((await call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats).toBe(485);
      // a refill claimed on this instance answers the balance it shows
      const refill = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 100 }, headers: { 'x-token': token } });
      const claimed = await call(t.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(refill.body.invoice) }, headers: { 'x-token': token } });
      expect(claimed.body).toMatchObject({ balance_sats: 585, credited_sats: 100 });
      expect((await t.server.ledger.audit()).problems).toEqual([]);
    }),
  );
});

describe('holds kept for some endpoints never refuse a call to another', () => {
  it.each(['pglite', 'postgres'] as const)('%s as shipped: the money kept ahead goes back before a call is refused, and each answer shows the exact balance', (store) =>
    withShippedServer(store, { ABL_RESERVE_AHEAD_IDLE_MS: '600000' }, async (t) => {
      const token = await buyToken(t, 400);
      const chat = (model: string) => ({ path: '/api/v1/openai/v1/chat/completions', body: { model, messages: [{ role: 'user', content: 'Hi' }] } });
      // 30, 5, 150 and 150 sats: the first two keep holds ahead (a quarter of the balance each),
      // so the database has 85 sats when the last asks for 150 of the 215 that are the token's
      const calls = [chat('gpt-4o-mini'), { path: EMBEDDINGS, body }, chat('gpt-4o'), chat('gpt-4o')];
      const shown = [];
      for (const c of calls) {
        const r = await call(t.url, 'POST', c.path, { body: c.body, headers: { 'x-token': token } });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        shown.push(Number(r.headers['x-balance-sats']));
      }
      expect(shown).toEqual([370, 365, 215, 65]);
      expect((await call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats).toBe(65);
      expect((await t.server.ledger.audit()).problems).toEqual([]);
    }),
  );
});

describe('PostgreSQL as shipped: reserving ahead only while one instance serves the database', () => {
  it('a second instance turns it off on both at once for new tokens, and the first gives back what it kept at its next beat; alone again, it reserves ahead again', async () => {
    const { startFakeUpstream } = await import('../testing/fake-upstream/server.js');
    const { startTestServer } = await import('../testing/harness.js');
    const up = await startFakeUpstream({ apiKey: KEY });
    const config = writeFlatPricedConfig();
    const env = { ABL_CONFIG: config.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, ABL_RESERVE_AHEAD_IDLE_MS: '600000' };
    const clock = { now: Math.floor(Date.now() / 1000) };
    const a = await startTestServer({ store: 'postgres', env, now: () => clock.now });
    let b: TestServer | null = null;
    const spend = async (t: TestServer, token: string) => {
      const r = await call(t.url, 'POST', EMBEDDINGS, { body, headers: { 'x-token': token } });
      expect(r.status).toBe(200);
      return r;
    };
    try {
      const first = await buyToken(a, 500);
      await spend(a, first);
      expect(a.server.reserveAhead!.heldHereMsat(await accountOf(a, first))).toBe(24n * 5_000n);
      b = await startTestServer({ store: 'postgres', databaseUrl: a.databaseUrl!, devnode: a.devnode, env, now: () => clock.now });
      // new tokens go one call at a time on both: neither keeps holds the other would count as spent
      for (const t of [a, b]) {
        const token = await buyToken(t, 500);
        const r = await spend(t, token);
        expect(r.headers['x-balance-sats']).toBe('495');
        expect(t.server.reserveAhead!.heldHereMsat(await accountOf(t, token))).toBe(0n);
      }
      // the first token's unused holds go back at a's next beat: b then sees its whole balance
      await a.server.beatInstances();
      expect(await call(b.url, 'GET', '/api/v1/balance', { headers: { 'x-token': first } }).then((r) => r.body.balance_sats)).toBe(495);
      // liveness is told by the wall clock: servers whose clock moves a day on do not take each other for gone
      clock.now += 86_400;
      await a.server.beatInstances();
      const dayLater = await buyToken(a, 500);
      await spend(a, dayLater);
      expect(a.server.reserveAhead!.heldHereMsat(await accountOf(a, dayLater))).toBe(0n);
      await b.close();
      b = null;
      await a.server.beatInstances();
      const later = await buyToken(a, 500);
      await spend(a, later);
      expect(a.server.reserveAhead!.heldHereMsat(await accountOf(a, later))).toBe(24n * 5_000n);
      expect((await a.server.ledger.audit()).problems).toEqual([]);
    } finally {
      await b?.close();
      await a.close();
      await up.close();
      config.remove();
    }
  });
});

describe('a metered call from a hold reserved ahead', () => {
  it('its hold is its ceiling rounded up a little, to a step shared by calls of similar size', async () => {
    const { aheadCeilingMsat } = await import('./ahead-ceiling.js');
    let previous = 0n;
    const steps = new Set<bigint>();
    for (let msat = 1n; msat <= 2_000_000n; msat += 997n) {
      const step = aheadCeilingMsat(msat);
      expect(step).toBeGreaterThanOrEqual(msat);
      expect(step % 1000n).toBe(0n);
      expect(step).toBeGreaterThanOrEqual(previous);
      // at most a fifth more, or one sat
      expect(step * 5n <= msat * 6n + 5000n).toBe(true);
      previous = step;
      steps.add(step);
    }
    expect(steps.size).toBeLessThan(60);
  });

  it('is charged what it used; its receipt and the balance read as without reserving ahead', async () => {
    const { startFakeUpstream } = await import('../testing/fake-upstream/server.js');
    const { startTestServer } = await import('../testing/harness.js');
    const up = await startFakeUpstream({ apiKey: KEY });
    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url };
    // one server reserves ahead (PGlite, as shipped), the other one call at a time
    const ahead = await startTestServer({ store: 'pglite', env });
    const oneByOne = await startTestServer({ store: 'pglite', env: { ...env, ABL_RESERVE_AHEAD: '0' } });
    try {
      const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }], max_completion_tokens: 300 };
      const receipts = [];
      for (const t of [ahead, oneByOne]) {
        const token = await buyToken(t, 1000);
        let balanceMsat = 1_000_000;
        for (let i = 0; i < 3; i++) {
          const r = await call(t.url, 'POST', '/api/v1/openai/v1/chat/completions', { body: chat, headers: { 'x-token': token } });
          expect(r.status).toBe(200);
          balanceMsat -= Number(r.headers['x-charged-msats']);
          expect(r.headers['x-balance-sats']).toBe(String(Math.floor(balanceMsat / 1000)));
          // asked for right after the answer, on the instance that served it: already there
          const receipt = await call(t.url, 'GET', `/api/v1/usage/${r.headers['x-request-id']}`, { headers: { 'x-token': token } });
          expect(receipt.status).toBe(200);
          receipts.push(receipt.body);
        }
        // a stream: the moment it has ended, its receipt and the balance on that instance show its charge
        const streamed = await call(t.url, 'POST', '/api/v1/openai/v1/chat/completions', { body: { ...chat, stream: true }, headers: { 'x-token': token } });
        expect(streamed.status).toBe(200);
        expect(String(streamed.headers['content-type'])).toMatch(/^text\/event-stream/);
        const receipt = await call(t.url, 'GET', `/api/v1/usage/${streamed.headers['x-request-id']}`, { headers: { 'x-token': token } });
        expect(receipt.status).toBe(200);
        expect(receipt.body.charged_msat).toBeGreaterThan(0);
        balanceMsat -= receipt.body.charged_msat;
        receipts.push(receipt.body);
        expect((await call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_msat).toBe(balanceMsat);
        expect((await t.server.ledger.audit()).problems).toEqual([]);
      }
      expect(ahead.server.reserveAhead!.unusedHolds()).toBeGreaterThan(0);
      const shape = (r: { max_charge_msat: number; charged_msat: number }) => ({ max: r.max_charge_msat, charged: r.charged_msat });
      expect(receipts.slice(0, 4).map(shape)).toEqual(receipts.slice(4).map(shape));
    } finally {
      await ahead.close();
      await oneByOne.close();
      await up.close();
    }
  });
});
