// An MPP session across two instances on one PostgreSQL schema: a stream paused on one instance
// for a top-up goes on when the top-up is credited on the other (the paused stream looks at the
// session itself, not only at what its own instance credits); the audit stays clean.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSchema } from '../store/testing.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { call, startTestDevnode, startTestServer, type TestDevnode, type TestServer } from '../testing/harness.js';
import { challengeOf, credential, dearChatMsat, readChatSse, writeDearChatConfig } from '../testing/mpp-session-client.js';

const KEY = 'sk-session-instances';
const CHAT = '/api/v1/openai/v1/chat/completions';
const SESSION = '/api/v1/mpp/session';
const MAX_TOKENS = 60;
const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell me about eleven small lightning bugs and a very patient owl tonight' }], max_tokens: MAX_TOKENS, stream: true };

describe('an MPP session on two instances', () => {
  let up: FakeUpstream;
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let node: TestDevnode;
  let a: TestServer;
  let b: TestServer;
  const dirs: string[] = [];
  const config = writeDearChatConfig();

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    schema = await createPostgresSchema();
    node = await startTestDevnode({ webhookSecret: 'whsec-' + randomBytes(8).toString('hex') });
    // both instances verify what either minted: one root key, one public origin (the MPP realm)
    const env = { ABL_CONFIG: config.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, L402_ROOT_KEY: randomBytes(32).toString('hex'), ABL_PUBLIC_URL: 'https://api.example' };
    const start = async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'abl-sessions-'));
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

  it('a stream paused on one instance goes on after a top-up at the other, charged what the upstream reported', async () => {
    // the least this stream costs is its input: its ceiling less MAX_TOKENS at 1 sat each
    const floor = (await call(a.url, 'POST', CHAT, { body: chatBody })).body.amount_sats - MAX_TOKENS;
    const deposit = floor + 3;
    const r = await call(a.url, 'POST', SESSION, { body: { deposit_sats: deposit } });
    const challenge = challengeOf(r.headers, 'session');
    const preimage = await a.pay(r.body.invoice);
    const sessionId = r.body.payment_hash as string;
    // a zero-amount return invoice of the same network, payable for 31 days (never paid here)
    const ret = await request(`${node.url}/createinvoice`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`:${node.password}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ description: 'refund', expirySeconds: String(31 * 86_400) }).toString(),
    }).then((res) => res.body.json() as Promise<{ serialized: string }>);
    expect((await call(b.url, 'POST', SESSION, { headers: { authorization: credential(challenge, { action: 'open', preimage, returnInvoice: ret.serialized }) } })).body).toMatchObject({ status: 'open', balance_sats: deposit });

    const res = await request(a.url + CHAT, { method: 'POST', headers: { 'content-type': 'application/json', authorization: credential(challenge, { action: 'bearer', sessionId, preimage }) }, body: JSON.stringify(chatBody) });
    expect(res.statusCode).toBe(200);
    const requestId = String(res.headers['x-request-id']);
    let raw = '';
    let toppedUp = 0;
    for await (const chunk of res.body) {
      raw += chunk.toString();
      if (toppedUp === 0 && raw.includes('event: payment-need-topup\n')) {
        const top = await call(b.url, 'POST', CHAT, { body: chatBody });
        const topPreimage = await b.pay(top.body.invoice);
        toppedUp = top.body.amount_sats;
        const credited = await call(b.url, 'POST', CHAT, { body: chatBody, headers: { authorization: credential(challengeOf(top.headers, 'session'), { action: 'topUp', sessionId, topUpPreimage: topPreimage }) } });
        expect(credited.body).toMatchObject({ status: 'ok', sessionId });
      }
    }
    const got = readChatSse(raw);
    expect(got.events.map((e) => e.event)).toEqual(['payment-need-topup']);
    expect(got.done).toBe(true);
    const account = (await a.server.ledger.credentialAccount(sessionId))!;
    await expect.poll(() => a.server.ledger.paidCall(account, requestId)).toBeTruthy();
    const row = (await a.server.ledger.paidCall(account, requestId))!;
    expect(row.usage).toMatchObject({ estimated: 0 });
    expect(row.chargedMsat).toBe(dearChatMsat(row.usage as any));
    expect(await a.server.ledger.balanceOf(account)).toBe(BigInt(deposit + toppedUp) * 1000n - row.chargedMsat);
    expect(await a.server.ledger.audit()).toMatchObject({ ok: true, problems: [] });
  });
});
