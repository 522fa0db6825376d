// An MPP session across two instances on one PostgreSQL schema: a stream paused on one instance
// for a top-up goes on when the top-up is credited on the other (the paused stream looks at the
// session itself, not only at what its own instance credits); the audit stays clean.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoenixd } from '../system-tests/testing.js';
import { call, type TestDevnode, type TestServer } from '../testing/harness.js';
import { challengeOf, credential, dearChatMsat, readChatSse, writeDearChatConfig } from '../testing/mpp-session-client.js';
import { twoInstances } from '../testing/two-instances.js';

const KEY = 'sk-session-instances';
const CHAT = '/api/v1/openai/v1/chat/completions';
const SESSION = '/api/v1/mpp/session';
const MAX_TOKENS = 60;
const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell me about eleven small lightning bugs and a very patient owl tonight' }], max_tokens: MAX_TOKENS, stream: true };

describe('an MPP session on two instances', () => {
  let node: TestDevnode;
  let a: TestServer;
  let b: TestServer;
  const config = writeDearChatConfig();
  const rig = twoInstances({ apiKey: KEY, configPath: config.path, dirPrefix: 'abl-sessions-' });

  beforeAll(async () => {
    await rig.start();
    ({ node, a, b } = rig);
  });
  afterAll(async () => {
    await rig.close();
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
    const ret = (await phoenixd(node, 'POST', '/createinvoice', { description: 'refund', expirySeconds: String(31 * 86_400) })) as { serialized: string };
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
