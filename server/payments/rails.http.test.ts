// One 402, three doors, one invoice: Alby's four client functions pay a real server's challenge
// and are served, in both challenge orders; an invoice paid once is worth its value once across
// L402, MPP and x402; AI for Hire's 402 pays with MPP. Real server, development node, fake upstream.
import { fetch402, fetchWithL402, fetchWithMpp, fetchWithX402, type Wallet } from '@getalby/lightning-tools/402';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';
import { x402SignatureFor } from '../testing/x402-client.js';

const KEY = 'sk-test-upstream-key';
const EMBEDDINGS = '/api/v1/openai/v1/embeddings';
const PRICE_SATS = 5; // text-embedding-3-small, flat-priced
const TASKS = '/api/v1/ai-for-hire/tasks';

const embedRequest = (): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'text-embedding-3-small', input: 'one invoice, three doors' }),
});

const decodeJson = (b64: string): any => JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
const header = (h: Record<string, string | string[] | undefined>, name: string): string[] => {
  const v = h[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

describe.each(['l402', 'mpp'] as const)('ABL_CHALLENGE_ORDER=%s', (order) => {
  let up: FakeUpstream;
  let t: TestServer;
  let config: { path: string; remove(): void };
  const paid: string[] = [];
  const wallet: Wallet = {
    async payInvoice({ invoice }) {
      paid.push(invoice);
      return { preimage: await t.pay(invoice) };
    },
  };
  const url = (path: string) => `${t.url}${path}`;
  /** the server's clock: the wall clock, unless a test moves it */
  const clock = { offset: 0 };

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    config = writeFlatPricedConfig();
    // one order on each store: the doors are store-independent, and two embedded stores starting at once are slow
    t = await startTestServer({ store: order === 'l402' ? 'postgres' : 'pglite', env: { ABL_CONFIG: config.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url, ABL_CHALLENGE_ORDER: order }, now: () => Math.floor(Date.now() / 1000) + clock.offset });
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
    config?.remove();
  });

  it('the 402 offers the same invoice through LSAT, L402, Payment and PAYMENT-REQUIRED, in the configured order', async () => {
    const r = await call(t.url, 'POST', EMBEDDINGS, { body: { model: 'text-embedding-3-small', input: 'x' } });
    expect(r.status).toBe(402);
    const lines = header(r.headers, 'www-authenticate');
    // the session intent on the same invoice comes before the charge (Alby's parser keeps the last value of each param)
    expect(lines.map((l) => (l.startsWith('Payment ') ? /intent="(\w+)"/.exec(l)![1] : l.split(' ')[0]))).toEqual(
      order === 'mpp' ? ['session', 'charge', 'LSAT', 'L402'] : ['LSAT', 'L402', 'session', 'charge'],
    );
    const payment = lines.find((l) => l.startsWith('Payment ') && l.includes('intent="charge"'))!;
    expect(payment).toMatch(/^Payment id="[A-Za-z0-9_-]+", realm="[^"]+", method="lightning", intent="charge", request="[A-Za-z0-9_-]+", expires="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
    const request = JSON.parse(Buffer.from(/request="([^"]+)"/.exec(payment)![1]!, 'base64url').toString('utf8'));
    expect(request).toEqual({ amount: String(PRICE_SATS), currency: 'sat', methodDetails: { invoice: r.body.invoice, paymentHash: r.body.payment_hash, network: 'regtest' } });
    const required = decodeJson(header(r.headers, 'payment-required')[0]!);
    expect(required).toMatchObject({ x402Version: 2, resource: { url: EMBEDDINGS } });
    expect(required.accepts).toEqual([
      expect.objectContaining({ scheme: 'exact', network: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328', amount: String(PRICE_SATS * 1000), extra: expect.objectContaining({ invoice: r.body.invoice, paymentMethod: 'lightning', paymentHash: r.body.payment_hash }) }),
    ]);
  });

  it('CORS lets a browser client send PAYMENT-SIGNATURE and read the challenges and receipts', async () => {
    const origin = { origin: 'https://app.example' };
    const challenge = await call(t.url, 'POST', EMBEDDINGS, { body: { model: 'text-embedding-3-small', input: 'x' }, headers: origin });
    const exposed = String(challenge.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['www-authenticate', 'payment-required', 'payment-response', 'payment-receipt']));
    const preflight = await call(t.url, 'OPTIONS', EMBEDDINGS, { headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'payment-signature' } });
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('payment-signature');
  });

  it('fetch402 pays through the first door and is served', async () => {
    const res = await fetch402(url(EMBEDDINGS), embedRequest(), { wallet });
    expect(res.status).toBe(200);
    expect(res.payment?.amountSat).toBe(PRICE_SATS);
    if (order === 'mpp') {
      expect(res.payment?.credentials.value).toMatch(/^Payment [A-Za-z0-9_-]+$/);
      expect(res.headers.get('payment-receipt')).toBeTruthy();
    } else expect(res.payment?.credentials.value).toMatch(/^LSAT /);
  });

  it('fetchWithX402 pays and is served with a PAYMENT-RESPONSE naming the payment hash', async () => {
    const res = await fetchWithX402(url(EMBEDDINGS), embedRequest(), { wallet });
    expect(res.status).toBe(200);
    expect(res.payment?.credentials.header).toBe('payment-signature');
    expect(res.headers.get('cache-control')).toMatch(/(^|[\s,])private\b/);
    const settled = decodeJson(res.headers.get('payment-response')!);
    const invoice = paid.at(-1);
    expect(settled).toEqual({
      success: true,
      transaction: invoice,
      network: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328',
      payer: 'anonymous',
      extra: { invoice, paymentHash: expect.stringMatching(/^[0-9a-f]{64}$/), settledAt: expect.any(Number) },
    });
    expect(res.headers.get('x-charged-sats')).toBe(String(PRICE_SATS));
    // the invoice it paid with reads that call's receipt, as an L402 or MPP credential does
    const usage = await call(t.url, 'GET', `/api/v1/usage/${res.headers.get('x-request-id')!}`, { headers: { 'payment-signature': res.payment!.credentials.value } });
    expect([usage.status, usage.body.charged_msat]).toEqual([200, PRICE_SATS * 1000]);
  });

  it('fetchWithL402 pays and is served', async () => {
    const res = await fetchWithL402(url(EMBEDDINGS), embedRequest(), { wallet });
    expect(res.status).toBe(200);
    expect(res.headers.get('payment-receipt')).toBeNull();
  });

  it(`fetchWithMpp ${order === 'mpp' ? 'pays and is served with a Payment-Receipt' : 'reads only the first challenge: with LSAT first it pays nothing'}`, async () => {
    const before = paid.length;
    const res = await fetchWithMpp(url(EMBEDDINGS), embedRequest(), { wallet });
    if (order === 'l402') {
      expect(res.status).toBe(402);
      expect(paid.length).toBe(before);
      return;
    }
    expect(res.status).toBe(200);
    const receipt = JSON.parse(Buffer.from(res.headers.get('payment-receipt')!, 'base64url').toString('utf8'));
    expect(receipt).toEqual({ challengeId: expect.any(String), method: 'lightning', reference: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'success', timestamp: expect.stringMatching(/Z$/) });
    expect(paid.length).toBe(before + 1);
  });

  it('an AI for Hire 402 pays with MPP (Payment first) or L402, and the task is created', async () => {
    const body = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Rails', description: 'pay the posting fee' }) };
    const res = order === 'mpp' ? await fetchWithMpp(url(TASKS), body, { wallet }) : await fetch402(url(TASKS), body, { wallet });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { status: string }).status).toBe('open');
    if (order === 'mpp') expect(res.headers.get('payment-receipt')).toBeTruthy();
  });

  it('one invoice paid once is spent once across the doors: MPP pays, L402 and x402 replays are refused; the audit is clean', async () => {
    const challenge = await call(t.url, 'POST', EMBEDDINGS, { body: { model: 'text-embedding-3-small', input: 'x' } });
    const preimage = await t.pay(challenge.body.invoice);
    const line = header(challenge.headers, 'www-authenticate').find((l) => l.startsWith('Payment ') && l.includes('intent="charge"'))!;
    const params = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    // as Alby builds it: canonical JSON of the echoed challenge and the preimage, base64url
    const echoed = { challenge: { expires: params.expires, id: params.id, intent: params.intent, method: params.method, realm: params.realm, request: params.request }, payload: { preimage } };
    const mpp = `Payment ${Buffer.from(JSON.stringify(echoed)).toString('base64url')}`;
    const x402 = x402SignatureFor(header(challenge.headers, 'payment-required')[0]!);
    const l402 = `L402 ${challenge.body.macaroon}:${preimage}`;
    const body = { model: 'text-embedding-3-small', input: 'x' };

    // the upstream refuses: nothing taken, so no receipt on either rail (a receipt says the payment was taken)
    for (const headers of [{ authorization: mpp }, { 'payment-signature': x402 }] as Array<Record<string, string>>) {
      const refused = await call(t.url, 'POST', EMBEDDINGS, { body, headers: { ...headers, 'x-fake-behavior': 'error-400' } });
      expect(refused.status).toBe(400);
      expect(refused.headers['x-charged-sats']).toBe('0');
      expect([refused.headers['payment-receipt'], refused.headers['payment-response']]).toEqual([undefined, undefined]);
    }
    const first = await call(t.url, 'POST', EMBEDDINGS, { body, headers: { authorization: mpp } });
    expect(first.status).toBe(200);
    expect(first.headers['x-charged-sats']).toBe(String(PRICE_SATS));
    expect(first.headers['payment-receipt']).toBeTruthy();
    expect(first.headers['cache-control']).toMatch(/(^|[\s,])private\b/);
    // the MPP credential shows the call it paid, as the L402 one does
    const usage = await call(t.url, 'GET', `/api/v1/usage/${first.headers['x-request-id'] as string}`, { headers: { authorization: mpp } });
    expect(usage.status).toBe(200);
    expect(usage.body.charged_msat).toBe(PRICE_SATS * 1000);
    // with another preimage the credential is not the one that paid: 401, as on a paid call, not "no such call"
    const forgedEcho = { ...echoed, payload: { preimage: '11'.repeat(32) } };
    const forged = await call(t.url, 'GET', `/api/v1/usage/${first.headers['x-request-id'] as string}`, { headers: { authorization: `Payment ${Buffer.from(JSON.stringify(forgedEcho)).toString('base64url')}` } });
    expect([forged.status, forged.body.error?.code]).toEqual([401, 'invalid_payment']);
    const replays: Array<Record<string, string>> = [{ authorization: l402 }, { 'payment-signature': x402 }, { authorization: mpp }];
    for (const headers of replays) {
      const replay = await call(t.url, 'POST', EMBEDDINGS, { body, headers });
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('payment_already_used');
    }
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });

  it('a credential whose value a call still running holds is not "spent": 402 naming what is held, 409 once that call ended', async () => {
    const body = { model: 'text-embedding-3-small', input: 'x' };
    const challenge = await call(t.url, 'POST', EMBEDDINGS, { body });
    const l402 = `L402 ${challenge.body.macaroon}:${await t.pay(challenge.body.invoice)}`;
    const running = call(t.url, 'POST', EMBEDDINGS, { body, headers: { authorization: l402, 'x-fake-behavior': 'wait' } });
    await expect.poll(() => up.held()).toBe(1);
    const meanwhile = await call(t.url, 'POST', EMBEDDINGS, { body, headers: { authorization: l402 } });
    expect([meanwhile.status, meanwhile.body.error.code]).toEqual([402, 'insufficient_balance']);
    expect(meanwhile.body.error).toMatchObject({ balance_sats: 0, held_sats: PRICE_SATS, price_sats: PRICE_SATS, message: expect.stringMatching(/reserved by its calls still running/) });
    expect(meanwhile.body.invoice).not.toBe(challenge.body.invoice); // a fresh one to pay
    up.release();
    expect((await running).status).toBe(200);
    const after = await call(t.url, 'POST', EMBEDDINGS, { body, headers: { authorization: l402 } });
    expect([after.status, after.body.error.code]).toEqual([409, 'payment_already_used']);
  });

  it('a paid challenge shown after it expired is refused through every door (401 invalid_payment)', async () => {
    const challenge = await call(t.url, 'POST', EMBEDDINGS, { body: { model: 'text-embedding-3-small', input: 'x' } });
    const preimage = await t.pay(challenge.body.invoice);
    const line = header(challenge.headers, 'www-authenticate').find((l) => l.startsWith('Payment ') && l.includes('intent="charge"'))!;
    const params = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const forms: Array<Record<string, string>> = [
      { authorization: `Payment ${Buffer.from(JSON.stringify({ challenge: params, payload: { preimage } })).toString('base64url')}` },
      { 'payment-signature': x402SignatureFor(header(challenge.headers, 'payment-required')[0]!) },
      { authorization: `L402 ${challenge.body.macaroon}:${preimage}` },
    ];
    // well past the challenge's expiry: the macaroon, minted a moment after the invoice, may outlive it by a second
    clock.offset = challenge.body.expires_at - Math.floor(Date.now() / 1000) + 30;
    try {
      for (const headers of forms) {
        const r = await call(t.url, 'POST', EMBEDDINGS, { body: { model: 'text-embedding-3-small', input: 'x' }, headers });
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('invalid_payment');
      }
    } finally {
      clock.offset = 0;
    }
  });

  it('metrics count each door apart', async () => {
    const metrics = async () => String((await call(t.url, 'GET', '/metrics')).body);
    await expect.poll(metrics).toMatch(/abl_sats_charged_total\{api="openai",kind="x402"\} [1-9]/);
    await expect.poll(metrics).toMatch(/abl_sats_charged_total\{api="openai",kind="mpp"\} [1-9]/);
    await expect.poll(metrics).toMatch(/abl_sats_charged_total\{api="openai",kind="l402"\} [1-9]/);
    // every call here was paid by an invoice credential: the operator's stats count them all as such, none as a token's
    const stats = await t.server.ledger.stats();
    expect(stats.paidCallsToken).toBe(0);
    const count = async (sql: string) => (await t.server.db.query<{ n: number }>(sql)).rows[0]!.n;
    const proxied = await count(`SELECT count(*)::integer AS n FROM paid_calls`);
    expect(proxied).toBeGreaterThan(0);
    // and the AI for Hire fees paid with a single-use credential
    expect(stats.paidCallsL402).toBe(proxied + (await count(`SELECT count(*)::integer AS n FROM l402_credentials WHERE state = 'spent'`)));
  });

  it('forged credentials are refused with invalid_payment (401)', async () => {
    const challenge = await call(t.url, 'POST', EMBEDDINGS, { body: { model: 'text-embedding-3-small', input: 'x' } });
    const line = header(challenge.headers, 'www-authenticate').find((l) => l.startsWith('Payment ') && l.includes('intent="charge"'))!;
    const params = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const unpaid = (challenge: object) => `Payment ${Buffer.from(JSON.stringify({ challenge, payload: { preimage: 'ab'.repeat(32) } })).toString('base64url')}`;
    const unpaidX402 = x402SignatureFor(header(challenge.headers, 'payment-required')[0]!);
    const forged: Array<Record<string, string>> = [
      { authorization: unpaid(params) }, // the preimage of another invoice
      { authorization: unpaid({ ...params, realm: 'elsewhere.example' }) },
      { authorization: unpaid({ ...params, request: params.request + 'A' }) },
      { authorization: 'Payment not-base64url!' },
      { 'payment-signature': unpaidX402 }, // the invoice was never paid
      { 'payment-signature': 'garbage' },
    ];
    for (const headers of forged) {
      const r = await call(t.url, 'POST', EMBEDDINGS, { body: { model: 'text-embedding-3-small', input: 'x' }, headers });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('invalid_payment');
    }
  });
});
