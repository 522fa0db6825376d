// The whole top-up flow over real HTTP, paid through the development node, on both stores.
import { createHmac, randomBytes } from 'node:crypto';
import bolt11 from 'bolt11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { STORE_KINDS } from '../store/testing.js';

const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] };

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(STORE_KINDS)('top-up on %s', (store) => {
  let t: TestServer;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);

  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(() => t.close());

  async function buyToken(sats: number): Promise<string> {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: sats } });
    const preimage = await t.pay(created.body.invoice);
    const claimed = await api('POST', '/api/v1/topup/claim', { body: { preimage } });
    expect(claimed.status).toBe(200);
    return claimed.body.token;
  }

  it('sells a new token: invoice, payment, claim, balance', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 120 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ amount_sats: 120, payment_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(created.body.expires_at).toBeGreaterThan(Date.now() / 1000);
    const decoded = bolt11.decode(created.body.invoice, REGTEST);
    expect(decoded.satoshis).toBe(120);
    expect(decoded.tagsObject.payment_hash).toBe(created.body.payment_hash);
    expect(decoded.payeeNodeKey).toBe(t.devnode.nodeId);

    const pending = await api('GET', `/api/v1/topup/${created.body.payment_hash}`);
    expect(pending.body).toMatchObject({ status: 'pending', amount_sats: 120 });

    const preimage = await t.pay(created.body.invoice);
    const status = await api('GET', `/api/v1/topup/${created.body.payment_hash}`);
    expect(status.body.status).toBe('paid');

    const claimed = await api('POST', '/api/v1/topup/claim', { body: { preimage } });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ balance_sats: 120, credited_sats: 120, token: expect.stringMatching(/^abl_/) });

    const again = await api('POST', '/api/v1/topup/claim', { body: { preimage } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('payment_already_used');

    const byHeader = await api('GET', '/api/v1/balance', { headers: { 'x-token': claimed.body.token } });
    const byBearer = await api('GET', '/api/v1/balance', { headers: { authorization: `Bearer ${claimed.body.token}` } });
    expect(byHeader.body).toEqual({ balance_sats: 120, balance_msat: 120_000 });
    expect(byBearer.body).toEqual(byHeader.body);
  });

  it('credits a paid refill without a claim; the first claim still answers once', async () => {
    const token = await buyToken(100);
    // curl -d sends form-urlencoded: the JSON body is still read as JSON (the seed's example)
    const refill = await api('POST', '/api/v1/topup', {
      rawBody: '{"amount_sats":180}',
      headers: { 'x-token': token, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refill.status).toBe(201);
    const preimage = await t.pay(refill.body.invoice);
    const status = await api('GET', `/api/v1/topup/${refill.body.payment_hash}`);
    expect(status.body).toMatchObject({ status: 'paid', credited: true });
    expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats).toBe(280);

    // whoever holds the preimage (every node on the route) learns nothing about the token's account
    const anonymous = await api('POST', '/api/v1/topup/claim', { body: { preimage } });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ credited_sats: 180 });
    expect((await api('POST', '/api/v1/topup/claim', { body: { preimage }, headers: { 'x-token': token } })).status).toBe(409);
    expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats).toBe(280);
  });

  it('a refill claim without the token answers credited_sats only: no token, no balance (Bearer counts as carrying it)', async () => {
    const token = await buyToken(40);
    const refill = await api('POST', '/api/v1/topup', { body: { amount_sats: 2 }, headers: { 'x-token': token } });
    const preimage = await t.pay(refill.body.invoice);
    // the first claim (whether or not the devnode's webhook credited it already) tells only what was credited
    const anonymous = await api('POST', '/api/v1/topup/claim', { body: { preimage } });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ credited_sats: 2 });
    expect(anonymous.body).not.toHaveProperty('balance_sats');
    expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats).toBe(42);

    const again = await api('POST', '/api/v1/topup', { body: { amount_sats: 3 }, headers: { 'x-token': token } });
    const preimage2 = await t.pay(again.body.invoice);
    const own = await api('POST', '/api/v1/topup/claim', { body: { preimage: preimage2 }, headers: { authorization: `Bearer ${token}` } });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ token, balance_sats: 45, credited_sats: 3 });
  });

  it('a refill claim carrying its token shows the token; another token is forbidden', async () => {
    const token = await buyToken(10);
    const stranger = await buyToken(10);
    const refill = await api('POST', '/api/v1/topup', { body: { amount_sats: 5 }, headers: { authorization: `Bearer ${token}` } });
    const preimage = await t.pay(refill.body.invoice);
    const foreign = await api('POST', '/api/v1/topup/claim', { body: { preimage }, headers: { 'x-token': stranger } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden');
    const own = await api('POST', '/api/v1/topup/claim', { body: { preimage }, headers: { 'x-token': token } });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ token, balance_sats: 15, credited_sats: 5 });
    expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': stranger } })).body.balance_sats).toBe(10);
  });

  it('a signed webhook for an unpaid invoice credits nothing: the wallet must confirm it', async () => {
    const token = await buyToken(1);
    const refill = await api('POST', '/api/v1/topup', { body: { amount_sats: 9 }, headers: { 'x-token': token } });
    const body = JSON.stringify({ type: 'payment_received', timestamp: Date.now(), amountSat: 9, paymentHash: refill.body.payment_hash, externalId: 'topup' });
    const signature = createHmac('sha256', Buffer.from(t.webhookSecret, 'utf8')).update(body).digest('hex');
    const res = await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: body, headers: { 'content-type': 'application/json', 'x-phoenix-signature': signature } });
    expect(res.status).toBe(200);
    expect((await api('GET', `/api/v1/topup/${refill.body.payment_hash}`)).body).toMatchObject({ status: 'pending', credited: false });
    expect((await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats).toBe(1);
  });

  it('credits a refill from a signed phoenixd webhook and refuses a forged one', async () => {
    const token = await buyToken(1);
    const refill = await api('POST', '/api/v1/topup', { body: { amount_sats: 7 }, headers: { 'x-token': token } });
    await t.pay(refill.body.invoice); // the devnode also posts its own webhook; crediting stays single
    const body = JSON.stringify({ type: 'payment_received', timestamp: Date.now(), amountSat: 7, paymentHash: refill.body.payment_hash, externalId: 'topup' });
    const forged = await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: body, headers: { 'content-type': 'application/json', 'x-phoenix-signature': 'ab'.repeat(32) } });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_signature');
    const unsigned = await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    const signature = createHmac('sha256', Buffer.from(t.webhookSecret, 'utf8')).update(body).digest('hex');
    for (let i = 0; i < 3; i++) {
      const ok = await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: body, headers: { 'content-type': 'application/json', 'x-phoenix-signature': signature } });
      expect(ok.status).toBe(200);
    }
    const balance = await waitFor(async () => {
      const b = (await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats;
      return b === 8 ? b : undefined;
    });
    expect(balance).toBe(8);
  });

  it.each([
    ['a string amount', { amount_sats: '100' }, 'invalid_field_type'],
    ['zero', { amount_sats: 0 }, 'invalid_field_value'],
    ['a negative amount', { amount_sats: -5 }, 'invalid_field_value'],
    ['a fraction', { amount_sats: 1.5 }, 'invalid_field_value'],
    ['a huge amount', { amount_sats: 1e15 }, 'invalid_field_value'],
    ['above the maximum', { amount_sats: 1_000_001 }, 'invalid_field_value'],
    ['no amount', {}, 'missing_required_field'],
    ['null', { amount_sats: null }, 'missing_required_field'],
    ['a boolean', { amount_sats: true }, 'invalid_field_type'],
  ])('refuses %s with its code', async (_name, body, code) => {
    const res = await api('POST', '/api/v1/topup', { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, field: 'amount_sats' });
  });

  it('tells an amount beyond any integer the configured range, as any amount above it', async () => {
    for (const rawBody of ['{"amount_sats":1e300}', '{"amount_sats":9007199254740993}', '{"amount_sats":1000001}']) {
      const res = await api('POST', '/api/v1/topup', { rawBody, headers: { 'content-type': 'application/json' } });
      expect(res.body.error).toMatchObject({ code: 'invalid_field_value', field: 'amount_sats', message: expect.stringContaining('1000000') });
    }
  });

  it('refuses bodies that are not JSON objects', async () => {
    for (const rawBody of ['{"amount_sats":', 'hello', '']) {
      const res = await api('POST', '/api/v1/topup', { rawBody, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_json');
    }
    for (const rawBody of ['[1,2]', '"x"', '42']) {
      const res = await api('POST', '/api/v1/topup', { rawBody, headers: { 'content-type': 'application/json' } });
      expect(res.body.error).toMatchObject({ code: 'invalid_field_type', field: 'body' });
    }
  });

  it('refuses unknown and malformed tokens', async () => {
    const unknown = await api('POST', '/api/v1/topup', { body: { amount_sats: 10 }, headers: { 'x-token': `abl_${randomBytes(24).toString('base64url')}` } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_token');
    for (const bad of ['nope', 'abl_', 'abl_short', 'Bearer', 'abl_' + 'x'.repeat(300)]) {
      const res = await api('GET', '/api/v1/balance', { headers: { 'x-token': bad } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_token');
    }
    const none = await api('GET', '/api/v1/balance');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('missing_token');
  });

  it('refuses malformed, unknown and unpaid preimages', async () => {
    for (const preimage of ['zz', 'ab'.repeat(31), 'g'.repeat(64), 'ab'.repeat(33)]) {
      const res = await api('POST', '/api/v1/topup/claim', { body: { preimage } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_payment');
    }
    expect((await api('POST', '/api/v1/topup/claim', { body: { preimage: 12 } })).body.error).toMatchObject({ code: 'invalid_field_type', field: 'preimage' });
    expect((await api('POST', '/api/v1/topup/claim', { body: {} })).body.error).toMatchObject({ code: 'missing_required_field', field: 'preimage' });
    const unknown = await api('POST', '/api/v1/topup/claim', { body: { preimage: randomBytes(32).toString('hex') } });
    expect(unknown.body.error.code).toBe('invalid_payment');
  });

  it('answers status for unknown and malformed hashes', async () => {
    expect((await api('GET', `/api/v1/topup/${'0'.repeat(64)}`)).status).toBe(404);
    const bad = await api('GET', '/api/v1/topup/xyz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_payment');
  });

  it('keeps the ledger balanced', async () => {
    const audit = await call(t.url, 'GET', '/api/v1/admin/audit', { headers: { authorization: `Admin ${t.server.adminSecret()}` } });
    expect(audit.body.problems).toEqual([]);
    expect(audit.body.ok).toBe(true);
  });
});
