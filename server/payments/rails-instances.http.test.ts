// The replay matrix over two instances on one PostgreSQL schema and one Lightning node: one
// invoice, paid once, shown at once through L402, MPP and x402 on both instances, serves one
// call; the audit stays clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream } from '../testing/fake-upstream/server.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { call, type TestServer } from '../testing/harness.js';
import { twoInstances } from '../testing/two-instances.js';

const KEY = 'sk-rails-instances';
const EMBEDDINGS = '/api/v1/openai/v1/embeddings';
const body = { model: 'text-embedding-3-small', input: 'x' }; // 5 sats, flat-priced

describe('one invoice through three doors on two instances', () => {
  let up: FakeUpstream;
  let a: TestServer;
  let b: TestServer;
  const config = writeFlatPricedConfig();
  const rig = twoInstances({ apiKey: KEY, configPath: config.path, dirPrefix: 'abl-rails-' });

  beforeAll(async () => {
    await rig.start();
    ({ up, a, b } = rig);
  });
  afterAll(async () => {
    await rig.close();
    config.remove();
  });

  it('the same credential in every form, at once on both instances, serves exactly one call', async () => {
    const challenge = await call(a.url, 'POST', EMBEDDINGS, { body });
    expect(challenge.status).toBe(402);
    const preimage = await a.pay(challenge.body.invoice);
    const lines = challenge.headers['www-authenticate'] as string[];
    const params = Object.fromEntries([...lines.find((l) => l.startsWith('Payment ') && l.includes('intent="charge"'))!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(params.realm).toBe('api.example');
    const mpp = `Payment ${Buffer.from(JSON.stringify({ challenge: params, payload: { preimage } })).toString('base64url')}`;
    const accepted = JSON.parse(Buffer.from(challenge.headers['payment-required'] as string, 'base64').toString('utf8')).accepts[0];
    const x402 = Buffer.from(JSON.stringify({ x402Version: 2, scheme: 'exact', network: accepted.network, payload: { invoice: challenge.body.invoice }, accepted })).toString('base64');
    const forms: Array<Record<string, string>> = [{ authorization: `L402 ${challenge.body.macaroon}:${preimage}` }, { authorization: mpp }, { 'payment-signature': x402 }];
    const before = up.requests();

    const results = await Promise.all([a, b].flatMap((t) => forms.flatMap((headers) => [call(t.url, 'POST', EMBEDDINGS, { body, headers }), call(t.url, 'POST', EMBEDDINGS, { body, headers })])));

    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    // refused: spent, or (while the winner's hold is still open) short of what this call may cost
    for (const r of results.filter((r) => r.status !== 200)) expect(['payment_already_used', 'insufficient_balance']).toContain(r.body.error.code);
    expect(up.requests() - before).toBe(1);
    expect((await a.server.ledger.audit()).problems).toEqual([]);
  });
});
