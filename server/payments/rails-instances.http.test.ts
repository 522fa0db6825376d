// The replay matrix over two instances on one PostgreSQL schema and one Lightning node: one
// invoice, paid once, shown at once through L402, MPP and x402 on both instances, serves one
// call; a credential's change is spent on either instance; the audit stays clean.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream } from '../testing/fake-upstream/server.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { call, type TestServer } from '../testing/harness.js';
import { twoInstances } from '../testing/two-instances.js';
import { x402SignatureFor } from '../testing/x402-client.js';

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
    const x402 = x402SignatureFor(challenge.headers['payment-required'] as string);
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

describe('an L402 credential’s change on two instances', () => {
  const CHAT = '/api/v1/openai/v1/chat/completions';
  const rig = twoInstances({ apiKey: KEY, configPath: join(process.cwd(), 'config.yaml'), dirPrefix: 'abl-change-' });
  beforeAll(() => rig.start());
  afterAll(() => rig.close());

  it('funded once where it was first shown; the other instance pays from what is left, then asks for more', async () => {
    const { a, b } = rig;
    const small = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 50 };
    const roomy = { ...small, max_completion_tokens: 5000 }; // metered: its ceiling (the invoice) covers several small calls
    const challenge = await call(a.url, 'POST', CHAT, { body: roomy });
    expect(challenge.status).toBe(402);
    const headers = { authorization: `L402 ${challenge.body.macaroon}:${await a.pay(challenge.body.invoice)}` };
    const first = await call(a.url, 'POST', CHAT, { body: roomy, headers });
    expect(first.status).toBe(200);
    const charged = [BigInt(first.headers['x-charged-msats'] as string)];
    for (const t of [b, b, a]) {
      const r = await call(t.url, 'POST', CHAT, { body: small, headers });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      charged.push(BigInt(r.headers['x-charged-msats'] as string));
    }
    const big = await call(b.url, 'POST', CHAT, { body: { ...small, max_completion_tokens: 16000 }, headers });
    expect([big.status, big.body.error.code]).toEqual([402, 'insufficient_balance']);
    const account = (await a.server.ledger.credentialAccount(challenge.body.payment_hash))!;
    const spent = charged.reduce((x, y) => x + y, 0n);
    expect(await a.server.ledger.balanceOf(account)).toBe(BigInt(challenge.body.amount_sats) * 1000n - spent);
    expect((await a.server.ledger.audit()).problems).toEqual([]);
  });
});
