import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './testing/harness.js';

describe('failed authentications per address', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store: 'postgres', env: { ABL_AUTH_FAILURE_LIMIT: '3' } });
  });
  afterAll(() => t.close());

  it('past the budget, credentialed requests get 429 with Retry-After; anonymous ones still pass', async () => {
    const created = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 5 } });
    const token = (await call(t.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token as string;
    expect((await call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': token } })).status).toBe(200);

    const guess = () => call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': `abl_${randomBytes(24).toString('base64url')}` } });
    for (let i = 0; i < 4; i++) expect((await guess()).status).toBe(401);
    await expect
      .poll(async () => (await call(t.url, 'GET', '/api/v1/balance', { headers: { 'x-token': token } })).status, { timeout: 5000 })
      .toBe(429);
    const blocked = await call(t.url, 'GET', '/api/v1/balance', { headers: { authorization: `Bearer ${token}` } });
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call(t.url, 'GET', '/api/v1/catalog')).status).toBe(200);
  });
});
