// The replay matrix over two instances on one PostgreSQL schema and one Lightning node: one
// invoice, paid once, shown at once through L402, MPP and x402 on both instances, serves one
// call; the audit stays clean.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { call, startTestDevnode, startTestServer, type TestDevnode, type TestServer } from '../testing/harness.js';
import { createPostgresSchema } from '../store/testing.js';

const KEY = 'sk-rails-instances';
const EMBEDDINGS = '/api/v1/openai/v1/embeddings';
const body = { model: 'text-embedding-3-small', input: 'x' }; // 5 sats, flat-priced

describe('one invoice through three doors on two instances', () => {
  let up: FakeUpstream;
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let node: TestDevnode;
  let a: TestServer;
  let b: TestServer;
  const dirs: string[] = [];
  const config = writeFlatPricedConfig();

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    schema = await createPostgresSchema();
    const webhookSecret = 'whsec-' + randomBytes(8).toString('hex');
    node = await startTestDevnode({ webhookSecret });
    // both instances verify what either minted: one root key, one public origin (the MPP realm)
    const env = { ABL_CONFIG: config.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, L402_ROOT_KEY: randomBytes(32).toString('hex'), ABL_PUBLIC_URL: 'https://api.example' };
    const start = async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'abl-rails-'));
      dirs.push(dataDir);
      return startTestServer({ store: 'postgres', databaseUrl: schema.url, devnode: node, dataDir, env });
    };
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await node?.close();
    await up?.close();
    await schema?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
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
