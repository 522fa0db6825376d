import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { createAuthFailureGuard } from './auth-guard.js';
import { sql } from './system-tests/testing.js';
import { openTestStore, type TestStore } from './store/testing.js';
import { call, startTestServer, type TestServer } from './testing/harness.js';

/** undefined when allowed, else the Retry-After seconds */
function blockedFor(guard: { assertAllowed(client: string): void }, client: string): number | undefined {
  try {
    guard.assertAllowed(client);
    return undefined;
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'rate_limited') throw err;
    return err.data.retryAfterSeconds;
  }
}

describe('the failed-authentication guard', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(() => store.close());

  it('blocks an address once a budget of three failures is used up, even when they straddle a minute boundary', async () => {
    let now = 1_700_000_038; // 58 s into a minute (1_700_000_040 is a multiple of 60)
    const guard = createAuthFailureGuard(store.db, { perMinute: 3, now: () => now });
    for (const t of [1_700_000_038, 1_700_000_039, 1_700_000_040]) {
      now = t;
      expect(blockedFor(guard, '10.1.1.1')).toBeUndefined();
      await guard.recordFailure('10.1.1.1');
    }
    expect(blockedFor(guard, '10.1.1.1')).toBe(58); // until the failure of …:38 is a minute old
    expect(blockedFor(guard, '10.1.1.2')).toBeUndefined(); // per address
    now = 1_700_000_097;
    expect(blockedFor(guard, '10.1.1.1')).toBe(1);
    now = 1_700_000_098;
    expect(blockedFor(guard, '10.1.1.1')).toBeUndefined();
    // the window now holds the failures of …:39 and …:40: one more uses the budget up again,
    // blocked until …:39 is a minute old
    await guard.recordFailure('10.1.1.1');
    expect(blockedFor(guard, '10.1.1.1')).toBe(1);
  });

  it('a block set by one instance is enforced by another once it records a failure itself', async () => {
    let now = 1_700_001_000;
    const a = createAuthFailureGuard(store.db, { perMinute: 2, now: () => now });
    const b = createAuthFailureGuard(store.db, { perMinute: 2, now: () => now });
    await a.recordFailure('10.2.2.2');
    now += 10;
    await b.recordFailure('10.2.2.2'); // the budget of two used up: b blocks the address
    expect(blockedFor(b, '10.2.2.2')).toBe(50);
    expect(blockedFor(a, '10.2.2.2')).toBeUndefined(); // a has not seen it yet
    now += 10;
    await a.recordFailure('10.2.2.2');
    expect(blockedFor(a, '10.2.2.2')).toBe(40);
  });
});

describe('failed authentications per address, over HTTP', () => {
  let t: TestServer;
  const clock = { now: 1_700_000_039 }; // the last second of a minute
  beforeAll(async () => {
    t = await startTestServer({ store: 'postgres', env: { ABL_AUTH_FAILURE_LIMIT: '3' }, now: () => clock.now });
  });
  afterAll(() => t.close());

  /** failures are recorded after the answer was sent: wait until the store holds `n` of them */
  const recorded = async (n: number) => {
    await expect
      .poll(async () => {
        const rows = await sql<{ n: string }>(t.databaseUrl!, `SELECT coalesce(sum(c), 0) AS n FROM rate_windows, unnest(counts) AS c WHERE key LIKE 'auth-failure:%'`);
        return Number(rows[0]!.n);
      }, { timeout: 10_000 })
      .toBe(n);
  };

  it('past the budget, credentialed requests get 429 with Retry-After; anonymous ones still pass', async () => {
    const created = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 5 } });
    const token = (await call(t.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token as string;
    const balance = (headers: Record<string, string>) => call(t.url, 'GET', '/api/v1/balance', { headers });
    expect((await balance({ 'x-token': token })).status).toBe(200);

    const guess = () => balance({ 'x-token': `abl_${randomBytes(24).toString('base64url')}` });
    // two guesses in the last second of a minute, the third in the first of the next
    expect((await guess()).status).toBe(401);
    expect((await guess()).status).toBe(401);
    await recorded(2);
    clock.now += 1;
    expect((await guess()).status).toBe(401); // the third uses the budget up: this blocks the address
    await expect.poll(async () => (await balance({ 'x-token': token })).status, { timeout: 10_000 }).toBe(429);
    const blocked = await balance({ authorization: `Bearer ${token}` });
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBe(59); // until the first guess is a minute old
    expect((await call(t.url, 'GET', '/api/v1/catalog')).status).toBe(200);

    clock.now += 59;
    expect((await balance({ 'x-token': token })).status).toBe(200);
  });
});
