// MPP Lightning sessions through a real server: a deposit opens a session whose preimage pays
// calls like a token, a top-up adds to it once, a close refunds the exact remainder to the return
// invoice of a second wallet, an idle session is closed and refunded by the sweep; the ledger
// audit stays clean after each step and a replayed open, top-up or close moves nothing twice.
import { randomBytes } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSessionRequest } from '../mpp/session.js';
import { SESSION_ENDPOINT } from './session-endpoint.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { STORE_KINDS } from '../store/testing.js';
import { phoenixd } from '../system-tests/testing.js';
import { call, type TestDevnode, type TestServer } from '../testing/harness.js';
import { challengeOf, credential, receiptOf } from '../testing/mpp-session-client.js';
import { serverWithPayee } from '../testing/server-with-payee.js';
import { x402SignatureFor } from '../testing/x402-client.js';

const KEY = 'sk-test-upstream-key';
const SESSION = '/api/v1/mpp/session';
const EMBEDDINGS = '/api/v1/openai/v1/embeddings';
const PRICE_SATS = 5; // text-embedding-3-small, flat-priced
const DAYS_31 = 31 * 86_400;

describe.each(STORE_KINDS)('MPP session intent on %s', (store) => {
  let t: TestServer;
  let node: TestDevnode;
  const config = writeFlatPricedConfig();
  const rig = serverWithPayee({ store, apiKey: KEY, configPath: config.path });
  const { clock, payeeCall, payeeBalance } = rig;
  const returnInvoice = async (expirySeconds = DAYS_31): Promise<{ serialized: string; paymentHash: string }> =>
    payeeCall('POST', '/createinvoice', { description: 'session refund', expirySeconds: String(expirySeconds) });
  const audit = async () => expect(await t.server.ledger.audit()).toMatchObject({ ok: true, problems: [] });

  /** A 402 session challenge for `sats`, paid: the challenge, its payment hash and the preimage. */
  async function paidDeposit(sats: number) {
    const r = await call(t.url, 'POST', SESSION, { body: { deposit_sats: sats } });
    expect(r.status).toBe(402);
    const challenge = challengeOf(r.headers, 'session');
    const preimage = await t.pay(r.body.invoice);
    return { challenge, paymentHash: r.body.payment_hash as string, preimage };
  }

  async function openSession(sats: number) {
    const d = await paidDeposit(sats);
    const ret = await returnInvoice();
    const open = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(d.challenge, { action: 'open', preimage: d.preimage, returnInvoice: ret.serialized }) } });
    expect(open.status).toBe(200);
    const bearer = credential(d.challenge, { action: 'bearer', sessionId: d.paymentHash, preimage: d.preimage });
    const close = credential(d.challenge, { action: 'close', sessionId: d.paymentHash, preimage: d.preimage });
    return { ...d, ret, open, bearer, close };
  }

  const embedBody = { model: 'text-embedding-3-small', input: 'x' };
  const embed = (authorization: string) => call(t.url, 'POST', EMBEDDINGS, { body: { model: 'text-embedding-3-small', input: 'a session' }, headers: { authorization } });

  beforeAll(async () => {
    await rig.start();
    ({ t, node } = rig);
  });
  afterAll(async () => {
    await rig.close();
    config.remove();
  });

  it('answers 402 with a session challenge: a fresh deposit invoice, its hash, the unit price and the idle timeout', async () => {
    const r = await call(t.url, 'POST', SESSION, { body: { deposit_sats: 40 } });
    expect(r.status).toBe(402);
    expect(r.headers['cache-control']).toBe('no-store');
    const line = String(r.headers['www-authenticate']);
    expect(line).toMatch(/^Payment id="[A-Za-z0-9_-]+", realm="[^"]+", method="lightning", intent="session", request="[A-Za-z0-9_-]+", expires="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
    expect(decodeSessionRequest(challengeOf(r.headers, 'session').request)).toEqual({
      amount: '1',
      currency: 'sat',
      unitType: 'sat',
      depositInvoice: r.body.invoice,
      paymentHash: r.body.payment_hash,
      depositAmount: '40',
      idleTimeout: '300',
    });
    expect((await call(t.url, 'POST', SESSION, { body: { deposit_sats: 0 } })).status).toBe(400);
    const doc = await call(t.url, 'GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths[SESSION].post.responses)).toEqual(expect.arrayContaining(['200', '402']));
    // the 402 the document describes is this one (no macaroon: the session line alone)
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(doc.body, 'openapi');
    const described = ajv.compile({ $ref: `openapi#/paths/${SESSION.replaceAll('/', '~1')}/post/responses/402/content/application~1json/schema` });
    expect(described(r.body), JSON.stringify(described.errors)).toBe(true);
  });

  it('opens, spends like a token, tops up once, and closes with the exact remainder paid to the return invoice', async () => {
    const s = await openSession(50);
    expect(s.open.body).toEqual({ status: 'open', sessionId: s.paymentHash, balance_sats: 50 });
    expect(receiptOf(s.open.headers)).toMatchObject({ method: 'lightning', reference: s.paymentHash, status: 'success', challengeId: s.challenge.id });
    // a replayed open credits nothing again
    const again = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(s.challenge, { action: 'open', preimage: s.preimage, returnInvoice: s.ret.serialized }) } });
    expect(again.body).toEqual({ status: 'open', sessionId: s.paymentHash, balance_sats: 50 });
    await audit();

    for (const left of [45, 40]) {
      const paid = await embed(s.bearer);
      expect(paid.status).toBe(200);
      expect(paid.headers['x-charged-sats']).toBe(String(PRICE_SATS));
      expect(paid.headers['x-balance-sats']).toBe(String(left));
      expect(receiptOf(paid.headers)).toMatchObject({ reference: s.paymentHash, status: 'success' });
    }
    await audit();

    const top = await paidDeposit(20);
    const topUp = credential(top.challenge, { action: 'topUp', sessionId: s.paymentHash, topUpPreimage: top.preimage });
    const credited = await call(t.url, 'POST', SESSION, { headers: { authorization: topUp } });
    expect(credited.status).toBe(200);
    expect(credited.body).toEqual({ status: 'ok', sessionId: s.paymentHash, balance_sats: 60 });
    const replayed = await call(t.url, 'POST', SESSION, { headers: { authorization: topUp } });
    expect(replayed.body).toEqual({ status: 'ok', sessionId: s.paymentHash, balance_sats: 60 });
    await audit();

    const before = await payeeBalance();
    const closed = await call(t.url, 'POST', SESSION, { headers: { authorization: s.close } });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ status: 'closed', sessionId: s.paymentHash, refundSats: 60, refundStatus: 'succeeded' });
    expect(receiptOf(closed.headers)).toMatchObject({ reference: s.paymentHash, refundSats: 60, refundStatus: 'succeeded' });
    expect(await payeeBalance()).toBe(before + 60);
    expect((await payeeCall('GET', `/payments/incoming/${s.ret.paymentHash}`)).receivedSat).toBe(60);
    await audit();

    // closed: a retried close answers the same and pays nothing again; the bearer and top-ups are refused
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: s.close } })).body).toEqual(closed.body);
    expect(await payeeBalance()).toBe(before + 60);
    expect((await embed(s.bearer)).status).toBe(401);
    const late = await paidDeposit(10);
    const refused = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(late.challenge, { action: 'topUp', sessionId: s.paymentHash, topUpPreimage: late.preimage }) } });
    expect(refused.status).toBe(409);
    await audit();
  });

  it('a metered call paid from a session shows the balance after its charge, as a token’s does', async () => {
    const s = await openSession(100);
    // a ceiling of about 64 sats (8,000 output tokens at 8,000 sats per million)
    const chat = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8000 };
    const paid = await call(t.url, 'POST', '/api/v1/openai/v1/chat/completions', { body: chat, headers: { authorization: s.bearer } });
    expect(paid.status).toBe(200);
    const charged = Number(paid.headers['x-charged-msats']);
    expect(charged).toBeGreaterThan(0);
    // far below the ceiling it held: the rest is the session's again
    const left = Math.floor((100_000 - charged) / 1000);
    expect(left).toBeGreaterThan(90);
    expect(paid.headers['x-balance-sats']).toBe(String(left));
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: s.bearer } })).body.balance_sats).toBe(left);
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: s.close } })).body).toMatchObject({ status: 'closed', refundSats: left });
    await audit();
  });

  it('refuses a forged preimage, a return invoice with an amount or a short expiry, and a call the session cannot cover', async () => {
    const d = await paidDeposit(10);
    const ret = await returnInvoice();
    const wrong = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(d.challenge, { action: 'open', preimage: randomBytes(32).toString('hex'), returnInvoice: ret.serialized }) } });
    expect(wrong.status).toBe(401);
    const withAmount = await payeeCall('POST', '/createinvoice', { description: 'x', amountSat: '5', expirySeconds: String(DAYS_31) });
    const short = await returnInvoice(3600);
    for (const bad of [withAmount.serialized, short.serialized]) {
      const r = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(d.challenge, { action: 'open', preimage: d.preimage, returnInvoice: bad }) } });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'invalid_field_value', field: 'returnInvoice' });
    }
    // one invoice is one deposit: a top-up's invoice cannot open a session, a session's deposit cannot top up another
    const other = await openSession(10);
    const top = await paidDeposit(10);
    const topUp = credential(top.challenge, { action: 'topUp', sessionId: other.paymentHash, topUpPreimage: top.preimage });
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: topUp } })).body).toMatchObject({ status: 'ok', balance_sats: 20 });
    const reopened = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(top.challenge, { action: 'open', preimage: top.preimage, returnInvoice: ret.serialized }) } });
    expect(reopened.status).toBe(409);
    expect(reopened.body.error.code).toBe('payment_already_used');
    // the deposit of another session cannot top this one up (an unused paid deposit can)
    const third = await openSession(5);
    const crossed = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(third.challenge, { action: 'topUp', sessionId: other.paymentHash, topUpPreimage: third.preimage }) } });
    expect(crossed.status).toBe(409);
    const unused = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(d.challenge, { action: 'topUp', sessionId: other.paymentHash, topUpPreimage: d.preimage }) } });
    expect(unused.body).toMatchObject({ status: 'ok', balance_sats: 30 });
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: third.close } })).body).toMatchObject({ status: 'closed', refundSats: 5 });
    // the session's own deposit shown again as a top-up credits nothing
    const own = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(other.challenge, { action: 'topUp', sessionId: other.paymentHash, topUpPreimage: other.preimage }) } });
    expect(own.status).toBe(409);
    // a close with another preimage is refused; the owner's close refunds all 30
    const forged = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(other.challenge, { action: 'close', sessionId: other.paymentHash, preimage: randomBytes(32).toString('hex') }) } });
    expect(forged.status).toBe(401);
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: other.close } })).body).toMatchObject({ status: 'closed', refundSats: 30, refundStatus: 'succeeded' });
    await audit();
    // 3 sats cannot pay a 5-sat call: refused before the call, nothing taken
    const poor = await openSession(3);
    const r = await embed(poor.bearer);
    expect(r.status).toBe(402);
    expect(r.body.error).toMatchObject({ code: 'insufficient_balance', balance_sats: 3, price_sats: PRICE_SATS });
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: poor.bearer } })).body).toEqual({ status: 'open', sessionId: poor.paymentHash, balance_sats: 3 });
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: poor.close } })).body).toMatchObject({ status: 'closed', refundSats: 3, refundStatus: 'succeeded' });
    await audit();
  });

  /** A resource's 402 paid: its session offer, and the invoice as a credential at each other door (L402, MPP charge, x402). */
  async function paidResource402() {
    const offered = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody });
    expect(offered.status).toBe(402);
    const preimage = await t.pay(offered.body.invoice);
    const doors: Array<Record<string, string>> = [
      { authorization: `L402 ${offered.body.macaroon}:${preimage}` },
      { authorization: credential(challengeOf(offered.headers, 'charge'), { preimage }) },
      { 'payment-signature': x402SignatureFor(String(offered.headers['payment-required'])) },
    ];
    // the 402's session offer names the same invoice as its deposit
    return { paymentHash: offered.body.payment_hash as string, preimage, offer: challengeOf(offered.headers, 'session'), doors };
  }

  async function refusedAtEveryDoor(doors: Array<Record<string, string>>): Promise<void> {
    for (const headers of doors) {
      const r = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers });
      expect([r.status, r.body.error?.code]).toEqual([409, 'payment_already_used']);
    }
  }

  it('a top-up invoice is worth nothing on its own afterwards: as an L402, MPP or x402 credential it is refused and the session keeps its money', async () => {
    const s = await openSession(30);
    // a call's 402 paid, shown to the session as a top-up
    const paid = await paidResource402();
    const topUp = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(paid.offer, { action: 'topUp', sessionId: s.paymentHash, topUpPreimage: paid.preimage }) } });
    expect(topUp.body).toMatchObject({ status: 'ok', balance_sats: 30 + PRICE_SATS });
    await refusedAtEveryDoor(paid.doors);
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: s.bearer } })).body).toMatchObject({ status: 'open', balance_sats: 30 + PRICE_SATS });
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: s.close } })).body).toMatchObject({ status: 'closed', refundSats: 30 + PRICE_SATS, refundStatus: 'succeeded' });
    await audit();
  });

  it('a session opened with a resource’s invoice is spent through its bearer only: as L402, MPP charge or x402 the invoice is refused, open or closed', async () => {
    const paid = await paidResource402();
    const ret = await returnInvoice();
    const open = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(paid.offer, { action: 'open', preimage: paid.preimage, returnInvoice: ret.serialized }) } });
    expect(open.body).toMatchObject({ status: 'open', balance_sats: PRICE_SATS });
    await refusedAtEveryDoor(paid.doors);
    const bearer = credential(paid.offer, { action: 'bearer', sessionId: paid.paymentHash, preimage: paid.preimage });
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: bearer } })).body).toMatchObject({ status: 'open', balance_sats: PRICE_SATS });
    // closed: every door stays shut, and the refund is what the close said
    const closed = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(paid.offer, { action: 'close', sessionId: paid.paymentHash, preimage: paid.preimage }) } });
    expect(closed.body).toMatchObject({ status: 'closed', refundSats: PRICE_SATS, refundStatus: 'succeeded' });
    await refusedAtEveryDoor(paid.doors);
    expect((await embed(bearer)).status).toBe(401);
    await audit();
  });

  it('an open that stopped after funding its deposit (a crash before its session row) opens when retried', async () => {
    const d = await paidDeposit(12);
    expect(await t.server.ledger.fundCredential({ paymentHash: d.paymentHash, endpoint: SESSION_ENDPOINT, valueMsat: 12_000n, now: rig.now() })).not.toBeNull();
    const ret = await returnInvoice();
    const open = await call(t.url, 'POST', SESSION, { headers: { authorization: credential(d.challenge, { action: 'open', preimage: d.preimage, returnInvoice: ret.serialized }) } });
    expect(open.body).toMatchObject({ status: 'open', sessionId: d.paymentHash, balance_sats: 12 });
    const close = credential(d.challenge, { action: 'close', sessionId: d.paymentHash, preimage: d.preimage });
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: close } })).body).toMatchObject({ status: 'closed', refundSats: 12, refundStatus: 'succeeded' });
    await audit();
  });

  it('an invoice spent through another door first cannot open a session (409), at the session endpoint or at the resource', async () => {
    for (const door of [0, 1, 2]) {
      const paid = await paidResource402();
      const spent = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: paid.doors[door]! });
      expect(spent.status).toBe(200);
      const ret = await returnInvoice();
      const open = credential(paid.offer, { action: 'open', preimage: paid.preimage, returnInvoice: ret.serialized });
      const atEndpoint = await call(t.url, 'POST', SESSION, { headers: { authorization: open } });
      expect([atEndpoint.status, atEndpoint.body.error?.code]).toEqual([409, 'payment_already_used']);
      const atResource = await call(t.url, 'POST', EMBEDDINGS, { body: embedBody, headers: { authorization: open } });
      expect([atResource.status, atResource.body.error?.code]).toEqual([409, 'payment_already_used']);
    }
    await audit();
  });

  it('a refund the node fails outright: the session is closed, "failed" is said, the remainder stays in its account', async () => {
    const s = await openSession(15);
    await phoenixd(node, 'POST', '/_devnode/next-payment', { outcome: 'fail' });
    const before = await payeeBalance();
    const closed = await call(t.url, 'POST', SESSION, { headers: { authorization: s.close } });
    expect(closed.body).toEqual({ status: 'closed', sessionId: s.paymentHash, refundSats: 15, refundStatus: 'failed' });
    expect(receiptOf(closed.headers)).toMatchObject({ refundSats: 15, refundStatus: 'failed' });
    expect(await payeeBalance()).toBe(before);
    expect(await t.server.ledger.balanceOf((await t.server.ledger.credentialAccount(s.paymentHash))!)).toBe(15_000n);
    // never reopened, never retried: a second close answers the same
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: s.close } })).body).toEqual(closed.body);
    expect((await embed(s.bearer)).status).toBe(401);
    await audit();
  });

  it('closes a session idle for 5 minutes and refunds it; one in use stays open', async () => {
    const idle = await openSession(30);
    expect((await embed(idle.bearer)).status).toBe(200);
    const busy = await openSession(20);
    clock.offset += 200;
    expect((await embed(busy.bearer)).status).toBe(200);
    await t.server.sessions.expireIdle();
    expect((await call(t.url, 'POST', SESSION, { headers: { authorization: idle.bearer } })).body.status).toBe('open');

    const before = await payeeBalance();
    clock.offset += 101; // the idle one: 301 s unused; the busy one: 101 s
    await t.server.sessions.expireIdle();
    const state = await call(t.url, 'POST', SESSION, { headers: { authorization: idle.bearer } });
    expect(state.body).toEqual({ status: 'closed', sessionId: idle.paymentHash, refundSats: 25, refundStatus: 'succeeded' });
    expect(await payeeBalance()).toBe(before + 25);
    expect((await payeeCall('GET', `/payments/incoming/${idle.ret.paymentHash}`)).receivedSat).toBe(25);
    expect((await embed(idle.bearer)).status).toBe(401);
    expect((await embed(busy.bearer)).status).toBe(200);
    await audit();
  });
});
