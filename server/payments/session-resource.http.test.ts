// MPP sessions learnt from a resource's own 402 (the Lightning session draft), with a client
// written from the draft here: the 402 offers the session intent on its invoice; paying it and
// retrying the resource with an "open" credential opens the session and serves the call; the
// bearer pays later calls; "topUp" and "close" sent to the resource change the session and call
// nothing upstream; the close refunds the exact remainder. A stream the session cannot pay to its
// end pauses with `payment-need-topup`, goes on after a top-up, or ends with `session-timeout`
// charged exactly what was delivered. Forged, expired and foreign credentials are refused.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSessionRequest } from '../mpp/session.js';
import { STORE_KINDS } from '../store/testing.js';
import { type FakeUpstream } from '../testing/fake-upstream/server.js';
import { call, startTestServer, type TestDevnode, type TestServer } from '../testing/harness.js';
import { challengeOf, credential, dearChatMsat, readChatSse, receiptOf, writeDearChatConfig, type Challenge } from '../testing/mpp-session-client.js';
import { serverWithPayee } from '../testing/server-with-payee.js';
import { canonicalJson, encodeBase64Url } from '../wire/codec.js';

const KEY = 'sk-test-upstream-key';
const EMBEDDINGS = '/api/v1/openai/v1/embeddings';
const CHAT = '/api/v1/openai/v1/chat/completions';
const SESSION = '/api/v1/mpp/session';
const DAYS_31 = 31 * 86_400;
const MAX_TOKENS = 60;
const PROMPT = 'please tell me a short story about eleven small lightning bugs and a very patient owl';
const embedBody = { model: 'text-embedding-3-small', input: 'a session' };
const chatBody = (stream: boolean) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], max_tokens: MAX_TOKENS, stream });

describe.each(STORE_KINDS)('MPP sessions at the resource on %s', (store) => {
  let up: FakeUpstream;
  let t: TestServer;
  let node: TestDevnode;
  const config = writeDearChatConfig();
  const rig = serverWithPayee({ store, apiKey: KEY, configPath: config.path });
  const { clock, env, payeeCall, payeeBalance } = rig;
  const returnInvoice = async (): Promise<string> => (await payeeCall('POST', '/createinvoice', { description: 'session refund', expirySeconds: String(DAYS_31) })).serialized;
  const audit = async (s: TestServer = t) => expect(await s.server.ledger.audit()).toMatchObject({ ok: true, problems: [] });
  const sessionMsat = async (sessionId: string, s: TestServer = t) => s.server.ledger.balanceOf((await s.server.ledger.credentialAccount(sessionId))!);

  /** A resource's 402, paid: the session challenge on its invoice, the payment hash, the preimage, the deposit. */
  async function paid402(s: TestServer, path: string, body: unknown) {
    const r = await call(s.url, 'POST', path, { body });
    expect(r.status).toBe(402);
    return { challenge: challengeOf(r.headers, 'session'), charge: challengeOf(r.headers, 'charge'), paymentHash: r.body.payment_hash as string, preimage: await s.pay(r.body.invoice), sats: r.body.amount_sats as number, macaroon: r.body.macaroon as string };
  }

  /** A session of `sats` opened at the session endpoint (a deposit size of the test's choosing). */
  async function sessionOf(s: TestServer, sats: number) {
    const r = await call(s.url, 'POST', SESSION, { body: { deposit_sats: sats } });
    const challenge = challengeOf(r.headers, 'session');
    const preimage = await s.pay(r.body.invoice);
    const open = await call(s.url, 'POST', SESSION, { headers: { authorization: credential(challenge, { action: 'open', preimage, returnInvoice: await returnInvoice() }) } });
    expect(open.body).toMatchObject({ status: 'open', balance_sats: sats });
    const sessionId = r.body.payment_hash as string;
    return { sessionId, bearer: credential(challenge, { action: 'bearer', sessionId, preimage }), close: credential(challenge, { action: 'close', sessionId, preimage }) };
  }

  /** The least a streamed chat call can cost here (its input): its ceiling less MAX_TOKENS at 1 sat each. */
  async function floorSats(s: TestServer): Promise<number> {
    const r = await call(s.url, 'POST', CHAT, { body: chatBody(true) });
    return r.body.amount_sats - MAX_TOKENS;
  }

  beforeAll(async () => {
    await rig.start();
    ({ up, t, node } = rig);
  });
  afterAll(async () => {
    await rig.close();
    config.remove();
  });

  it('learns the session from the resource 402, opens and spends there, tops up and closes there with the exact refund', async () => {
    const first = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody });
    expect(first.status).toBe(402);
    expect(first.headers['cache-control']).toBe('no-store');
    const lines = [first.headers['www-authenticate']].flat() as string[];
    // LSAT and L402 first and unchanged; then the session intent and the charge on the same invoice
    expect(lines[0]).toBe(`LSAT macaroon="${first.body.macaroon}", invoice="${first.body.invoice}"`);
    expect(lines[1]).toBe(`L402 macaroon="${first.body.macaroon}", invoice="${first.body.invoice}"`);
    expect(lines[2]).toMatch(/^Payment id="[A-Za-z0-9_-]+", realm="[^"]+", method="lightning", intent="session", request="[A-Za-z0-9_-]+", expires="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
    expect(lines[3]).toContain('intent="charge"');
    expect(decodeSessionRequest(challengeOf(first.headers, 'session').request)).toEqual({
      amount: '1', currency: 'sat', unitType: 'sat', depositInvoice: first.body.invoice, paymentHash: first.body.payment_hash, depositAmount: '5', idleTimeout: '300',
    });

    // open: pay the 402's invoice, retry the resource with the open credential; the call is served from the session
    const deposit = await paid402(t, EMBEDDINGS, embedBody);
    const sessionId = deposit.paymentHash;
    const ret = await returnInvoice();
    const opened = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: credential(deposit.challenge, { action: 'open', preimage: deposit.preimage, returnInvoice: ret }) } });
    expect(opened.status).toBe(200);
    expect(opened.body.data[0].embedding.length).toBeGreaterThan(0);
    expect(opened.headers['x-charged-sats']).toBe('5');
    expect(receiptOf(opened.headers)).toMatchObject({ method: 'lightning', reference: sessionId, status: 'success', challengeId: deposit.challenge.id });
    const bearer = credential(deposit.challenge, { action: 'bearer', sessionId, preimage: deposit.preimage });
    const poor = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: bearer } });
    expect(poor.status).toBe(402);
    expect(poor.body.error).toMatchObject({ code: 'insufficient_balance', balance_sats: 0, price_sats: 5 });
    await audit();

    // top up twice at the resource: the session grows, nothing goes upstream; a replay credits nothing
    const calls = up.requests();
    let topUp = '';
    for (const balance of [5, 10]) {
      const top = await paid402(t, EMBEDDINGS, embedBody);
      topUp = credential(top.challenge, { action: 'topUp', sessionId, topUpPreimage: top.preimage });
      const r = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: topUp } });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ status: 'ok', sessionId, balance_sats: balance });
      expect(receiptOf(r.headers)).toMatchObject({ reference: sessionId, status: 'success' });
    }
    expect((await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: topUp } })).body).toEqual({ status: 'ok', sessionId, balance_sats: 10 });
    // a top-up calls nothing, so it needs no request body
    const bare = await paid402(t, EMBEDDINGS, embedBody);
    const noBody = await call(t.url, 'POST', EMBEDDINGS, { headers: { authorization: credential(bare.challenge, { action: 'topUp', sessionId, topUpPreimage: bare.preimage }) } });
    expect([noBody.status, noBody.body]).toEqual([200, { status: 'ok', sessionId, balance_sats: 15 }]);
    expect(up.requests()).toBe(calls);
    const spent = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: bearer } });
    expect(spent.status).toBe(200);
    expect(spent.headers['x-balance-sats']).toBe('10');
    await audit();

    // close at the resource: the exact remainder goes to the return invoice, once
    const close = credential(deposit.challenge, { action: 'close', sessionId, preimage: deposit.preimage });
    const before = await payeeBalance();
    const closed = await call(t.url, 'POST', EMBEDDINGS, { headers: { authorization: close } }); // no body needed either
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ status: 'closed', sessionId, refundSats: 10, refundStatus: 'succeeded' });
    expect(receiptOf(closed.headers)).toMatchObject({ reference: sessionId, refundSats: 10, refundStatus: 'succeeded' });
    expect(await payeeBalance()).toBe(before + 10);
    expect((await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: close } })).body).toEqual(closed.body);
    expect(await payeeBalance()).toBe(before + 10);
    expect(up.requests()).toBe(calls + 1);
    await audit();

    // the deposit's invoice was spent through the session door: its charge and L402 credentials buy nothing
    const charge = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: `Payment ${encodeBase64Url(canonicalJson({ challenge: deposit.charge, payload: { preimage: deposit.preimage } }))}` } });
    expect(charge.status).toBe(409);
    expect(charge.body.error.code).toBe('payment_already_used');
    const l402 = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: `L402 ${deposit.macaroon}:${deposit.preimage}` } });
    expect(l402.status).toBe(409);
    expect((await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: bearer } })).status).toBe(401);
    await audit();
  });

  it('refuses forged, expired, foreign and unknown session credentials at the resource (401 invalid_payment)', async () => {
    const d = await paid402(t, EMBEDDINGS, embedBody);
    const ret = await returnInvoice();
    const open = (challenge: Challenge, preimage = d.preimage) => credential(challenge, { action: 'open', preimage, returnInvoice: ret });
    const stranger = randomBytes(32);
    const refused = [
      open(d.challenge, randomBytes(32).toString('hex')), // not the deposit's preimage
      open({ ...d.challenge, realm: 'elsewhere.example' }), // another realm's challenge
      open({ ...d.challenge, request: d.challenge.request + 'A' }), // an altered request
      open({ ...d.charge, intent: 'session' }), // a charge challenge passed off as a session one
      credential(d.challenge, { action: 'bearer', sessionId: d.paymentHash, preimage: d.preimage }), // a session never opened
      credential(d.challenge, { action: 'bearer', sessionId: stranger.toString('hex'), preimage: randomBytes(32).toString('hex') }),
      'Payment not-base64url!',
    ];
    for (const authorization of refused) {
      const r = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization } });
      expect(r.status, authorization).toBe(401);
      expect(r.body.error.code).toBe('invalid_payment');
    }
    // a real session's bearer with another preimage
    const s = await sessionOf(t, 10);
    const forged = credential(challengeOf((await call(t.url, 'POST', EMBEDDINGS, { body: embedBody })).headers, 'session'), { action: 'bearer', sessionId: s.sessionId, preimage: randomBytes(32).toString('hex') });
    expect((await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: forged } })).status).toBe(401);
    // an AI for Hire fee is not paid from a session (a task needs a token to be followed)
    const fee = await call(t.url, 'POST', '/api/v1/ai-for-hire/tasks', { body: { title: 'a task', description: 'paid from a session?' }, headers: { authorization: s.bearer } });
    expect(fee.status).toBe(401);
    expect(fee.body.error.code).toBe('invalid_payment');
    expect(await sessionMsat(s.sessionId)).toBe(10_000n);
    // the paid deposit's challenge, shown after it expired
    clock.offset += 7200;
    try {
      const late = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: open(d.challenge) } });
      expect(late.status).toBe(401);
      expect(late.body.error).toMatchObject({ code: 'invalid_payment', message: expect.stringContaining('expired') });
    } finally {
      clock.offset -= 7200;
    }
    expect(await sessionMsat(s.sessionId)).toBe(10_000n);
    expect(await t.server.ledger.credentialAccount(d.paymentHash)).toBeNull();
    await call(t.url, 'POST', SESSION, { headers: { authorization: s.close } });
    await audit();
  });

  it('a stream the session cannot pay to its end pauses with payment-need-topup and goes on after a top-up at the resource', async () => {
    const floor = await floorSats(t);
    const deposit = floor + 4;
    const s = await sessionOf(t, deposit);
    const res = await request(t.url + CHAT, { method: 'POST', headers: { 'content-type': 'application/json', authorization: s.bearer }, body: JSON.stringify(chatBody(true)) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-max-charge-sats']).toBe(String(floor + MAX_TOKENS));
    const requestId = String(res.headers['x-request-id']);
    let raw = '';
    let toppedUp = 0;
    for await (const chunk of res.body) {
      raw += chunk.toString();
      if (toppedUp === 0 && raw.includes('event: payment-need-topup\n')) {
        const paused = readChatSse(raw);
        // a chat stream's events carry an empty choices list: OpenAI's SDKs hand them to the caller as chunks
        expect(paused.events).toEqual([{ event: 'payment-need-topup', data: { sessionId: s.sessionId, balanceSpent: expect.any(Number), balanceRequired: expect.any(Number), choices: [] } }]);
        expect(paused.events[0]!.data.balanceSpent).toBeLessThanOrEqual(deposit);
        expect(paused.events[0]!.data.balanceRequired).toBeGreaterThan(0);
        expect(paused.done).toBe(false);
        // the draft's client: an unauthenticated request to the same resource for a fresh invoice, paid, then topUp there
        const top = await paid402(t, CHAT, chatBody(true));
        toppedUp = top.sats;
        const r = await call(t.url, 'POST', CHAT, { body: chatBody(true), headers: { authorization: credential(top.challenge, { action: 'topUp', sessionId: s.sessionId, topUpPreimage: top.preimage }) } });
        expect(r.body).toMatchObject({ status: 'ok', sessionId: s.sessionId });
      }
    }
    const all = readChatSse(raw);
    expect(toppedUp).toBeGreaterThan(0);
    expect(all.done, raw).toBe(true);
    expect(all.text).toBe(`This is a fake reply to: ${PROMPT.split(' ').slice(0, 12).join(' ')}`);
    // charged the formula of what the upstream reported, the rest of deposit and top-up left in the session
    const account = (await t.server.ledger.credentialAccount(s.sessionId))!;
    await expect.poll(() => t.server.ledger.paidCall(account, requestId)).toBeTruthy();
    const row = await t.server.ledger.paidCall(account, requestId);
    expect(row!.usage).toMatchObject({ estimated: 0 });
    expect(row!.chargedMsat).toBe(dearChatMsat(row!.usage as any));
    expect(row!.chargedMsat).toBeGreaterThan(BigInt(deposit) * 1000n);
    expect(await sessionMsat(s.sessionId)).toBe(BigInt(deposit + toppedUp) * 1000n - row!.chargedMsat);
    await audit();
  });

  it('a stream the session can pay for whole is not paused: its estimates count the input the upstream will, not the ceiling’s bound', async () => {
    // 12 sats hold the stream's input bound (about 80 tokens at 0.1 sat) but not its ceiling (100 output tokens at 1 sat)
    const s = await sessionOf(t, 12);
    const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 100, stream: true };
    const res = await request(t.url + CHAT, { method: 'POST', headers: { 'content-type': 'application/json', authorization: s.bearer }, body: JSON.stringify(hello) });
    expect(res.statusCode).toBe(200);
    const got = readChatSse(await res.body.text());
    expect(got.events).toEqual([]);
    expect(got.done).toBe(true);
    const account = (await t.server.ledger.credentialAccount(s.sessionId))!;
    const requestId = String(res.headers['x-request-id']);
    await expect.poll(() => t.server.ledger.paidCall(account, requestId)).toBeTruthy();
    const row = (await t.server.ledger.paidCall(account, requestId))!;
    expect(row.usage).toMatchObject({ estimated: 0 });
    expect(row.chargedMsat).toBe(dearChatMsat(row.usage as any));
    expect(row.chargedMsat).toBeLessThanOrEqual(12_000n);
    await audit();
  });

  it('a session closed while its stream is paused ends the stream there (session-timeout), charged what it delivered; the rest is refunded once the stream has ended', async () => {
    const floor = await floorSats(t);
    const deposit = floor + 4;
    const s = await sessionOf(t, deposit);
    const before = await payeeBalance();
    const res = await request(t.url + CHAT, { method: 'POST', headers: { 'content-type': 'application/json', authorization: s.bearer }, body: JSON.stringify(chatBody(true)) });
    let raw = '';
    let closed: Awaited<ReturnType<typeof call>> | null = null;
    for await (const chunk of res.body) {
      raw += chunk.toString();
      // the stream's hold took the whole balance: nothing is outside it, and no top-up can come
      if (!closed && raw.includes('event: payment-need-topup\n')) closed = await call(t.url, 'POST', CHAT, { body: chatBody(true), headers: { authorization: s.close } });
    }
    expect(closed?.body).toMatchObject({ status: 'closed', sessionId: s.sessionId, refundSats: 0, refundStatus: 'pending' });
    const got = readChatSse(raw);
    expect(got.events.map((e) => e.event)).toEqual(['payment-need-topup', 'session-timeout']);
    expect(got.done).toBe(false);
    const account = (await t.server.ledger.credentialAccount(s.sessionId))!;
    await expect.poll(() => t.server.ledger.paidCall(account, String(res.headers['x-request-id']))).toBeTruthy();
    const charged = (await t.server.ledger.paidCall(account, String(res.headers['x-request-id'])))!.chargedMsat;
    // what the stream held beyond its charge went back to the session, and then to the return invoice
    const rest = BigInt(deposit) * 1000n - charged;
    expect(rest).toBeGreaterThan(0n);
    const again = async () => (await call(t.url, 'POST', CHAT, { body: chatBody(true), headers: { authorization: s.close } })).body;
    await expect.poll(async () => (await again()).refundStatus).not.toBe('pending');
    const refundSats = Number(rest / 1000n);
    expect(await again()).toMatchObject({ status: 'closed', refundSats, refundStatus: refundSats > 0 ? 'succeeded' : 'skipped' });
    expect(await payeeBalance()).toBe(before + refundSats);
    expect(await sessionMsat(s.sessionId)).toBe(0n);
    // the bearer no longer pays
    expect((await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: s.bearer } })).status).toBe(401);
    await audit();
  });

  it('a paused stream that gets no top-up ends with session-timeout, charged what it delivered and nothing after', async () => {
    // a second server whose paused streams wait one second (the draft recommends 60)
    const quick = await startTestServer({ store, devnode: node, env: { ...env(), ABL_MPP_TOPUP_WAIT_SECONDS: '1' } });
    try {
      const floor = await floorSats(quick);
      const deposit = floor + 4;
      const s = await sessionOf(quick, deposit);
      const res = await request(quick.url + CHAT, { method: 'POST', headers: { 'content-type': 'application/json', authorization: s.bearer }, body: JSON.stringify(chatBody(true)) });
      expect(res.statusCode).toBe(200);
      const requestId = String(res.headers['x-request-id']);
      const got = readChatSse(await res.body.text());
      expect(got.events.map((e) => e.event)).toEqual(['payment-need-topup', 'session-timeout']);
      expect(got.events[1]!.data).toMatchObject({ sessionId: s.sessionId });
      expect(got.done).toBe(false);
      const full = `This is a fake reply to: ${PROMPT.split(' ').slice(0, 12).join(' ')}`;
      expect(full.startsWith(got.text)).toBe(true);
      expect(got.text.length).toBeLessThan(full.length);

      const account = (await quick.server.ledger.credentialAccount(s.sessionId))!;
      await expect.poll(() => quick.server.ledger.paidCall(account, requestId)).toBeTruthy();
      const row = (await quick.server.ledger.paidCall(account, requestId))!;
      // an estimate of the delivered text, charged by the formula, within the session's money
      expect(row.usage).toMatchObject({ estimated: 1 });
      expect(row.chargedMsat).toBe(dearChatMsat(row.usage as any));
      expect(row.chargedMsat).toBeLessThanOrEqual(BigInt(deposit) * 1000n);
      expect(row.usage!.output_tokens).toBeGreaterThan(0);
      expect(await sessionMsat(s.sessionId, quick)).toBe(BigInt(deposit) * 1000n - row.chargedMsat);
      expect(got.events[0]!.data.balanceSpent).toBe(Math.ceil(Number(row.chargedMsat) / 1000));
      await audit(quick);
    } finally {
      await quick.close();
    }
  });
});
