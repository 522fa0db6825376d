// A server started with each real backend's settings (pointed at the fakes; NWC: a fake wallet
// service on a local relay) carries every user flow: a top-up end to end (health names the
// backend, the invoice is the node's, the node's own notice credits it), an L402 call through the
// proxy, AI for Hire from escrow to the contractor's collect, and a payout the node fails. The
// flows are the development node suites' own (testing/flows.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bolt11 from 'bolt11';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { writeFlatPricedConfig } from '../testing/flat-prices.js';
import { buyToken, CHAT, chatBody, collectFailedGivesBack, flowsOf, hireLifecycle, l402OneRequestPerCredential, type FlowContext } from '../testing/flows.js';
import { call, startTestServerOn, type WalletTestServer } from '../testing/harness.js';
import { startFakeBackend, type FakeBackend } from '../testing/wallet-rigs.js';
import { waitUntil } from './testing.js';

const KEY = 'sk-test-upstream-key';

describe.each(['lnd', 'cln', 'nwc'] as const)('a server on %s', (kind) => {
  let backend: FakeBackend;
  let up: FakeUpstream;
  let t: WalletTestServer;
  const config = writeFlatPricedConfig();
  const flows = (): FlowContext =>
    flowsOf(t, {
      invoiceElsewhere: async (sats) => (await backend.payer.wallet.createInvoice({ amountMsat: BigInt(sats) * 1000n, description: 'collect', expirySeconds: 600 })).bolt11,
      receivedElsewhere: async (hash) => Number(((await backend.payer.wallet.getInvoice(hash))?.receivedMsat ?? 0n) / 1000n),
    });

  beforeAll(async () => {
    [backend, up] = await Promise.all([startFakeBackend(kind), startFakeUpstream({ apiKey: KEY })]);
    t = await startTestServerOn(backend, { store: 'postgres', env: { ABL_CONFIG: config.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url } });
  });

  /** the server listens for the node's notices: LND's stream, waitanyinvoice, or a relay subscription to the wallet's notifications */
  const listening = (): boolean => {
    const nwc = backend.nwc;
    if (!nwc) return backend.node.requests.includes(kind === 'lnd' ? 'GET /v1/invoices/subscribe' : 'POST /v1/waitanyinvoice');
    const notification = { kind: 23197, pubkey: nwc.service.walletPubkey, tags: [['p', nwc.service.clientPubkey]], created_at: Math.floor(Date.now() / 1000), id: '' };
    return nwc.relay.subscribersFor(notification) > 0;
  };

  afterAll(async () => {
    await t?.close();
    await backend?.close();
    await up?.close();
    config.remove();
  });

  it('names the backend in health, and serves a top-up paid from another node', async () => {
    expect((await call(t.url, 'GET', '/api/v1/health')).body).toMatchObject({ status: 'ok', wallet: kind });
    const created = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 100 } });
    expect(created.status).toBe(201);
    const invoice = created.body as { invoice: string; payment_hash: string };
    expect(bolt11.decode(invoice.invoice).payeeNodeKey).toBe(backend.node.nodeId);
    expect(backend.node.invoices.get(invoice.payment_hash)?.amountMsat).toBe(100_000n);

    await waitUntil(() => (listening() ? true : null));
    const lookups = (): number =>
      backend.nwc
        ? backend.nwc.service.requests.filter((r) => r.method === 'lookup_invoice' && r.params.payment_hash === invoice.payment_hash).length
        : backend.node.requests.filter((r) => r.includes(invoice.payment_hash) || r === 'POST /v1/listinvoices').length;
    const before = lookups();
    const preimage = await backend.payFromOutside(invoice.invoice);
    // the node's notice makes the server confirm it with one lookup, long before its 5 s poll
    await waitUntil(() => (lookups() > before ? true : null), 1_000);

    const status = await call(t.url, 'GET', `/api/v1/topup/${invoice.payment_hash}`);
    expect(status.body).toMatchObject({ status: 'paid', amount_sats: 100 });
    const claimed = await call(t.url, 'POST', '/api/v1/topup/claim', { body: { preimage } });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ balance_sats: 100, credited_sats: 100 });
  });

  it('L402 through the proxy: challenge, pay, one request per credential', async () => {
    await l402OneRequestPerCredential(flows());
  });

  it('AI for Hire: escrow, delivery, confirmation, and the contractor collects to another node', async () => {
    await hireLifecycle(flows());
  });

  it('a payout the node fails gives the balance back; paid on the retry', async () => {
    await collectFailedGivesBack(flows(), async () => backend.node.failNextPayment());
  });

  it('the node away in the middle: paid actions answer 503 topup_unavailable, a payout in flight is reconciled once, a refill paid meanwhile is credited', async () => {
    const ctx = flows();
    const token = await buyToken(ctx, 1000);
    const me = { 'x-token': token };
    const refill = (await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 21 }, headers: me })).body as { invoice: string };
    const invoice = await ctx.invoiceElsewhere(100);
    const hash = bolt11.decode(invoice).tagsObject.payment_hash!;
    const nodeBefore = backend.node.balanceMsat;
    const release = backend.node.holdNextPayment();
    const collecting = call(t.url, 'POST', '/api/v1/ai-for-hire/collect', { body: { invoice }, headers: me });
    await waitUntil(() => backend.node.payments.get(hash) ?? null);
    await backend.cut();
    try {
      const collected = await collecting;
      expect([collected.status, collected.body]).toMatchObject([200, { status: 'pending', paid_sats: 0, preimage: null }]);
      for (const [path, body] of [['/api/v1/topup', { amount_sats: 10 }], [CHAT, chatBody]] as const) {
        const refused = await call(t.url, 'POST', path, { body });
        expect([path, refused.status, refused.body.error?.code]).toEqual([path, 503, 'topup_unavailable']);
      }
      expect((await call(t.url, 'GET', '/api/v1/health')).status).toBe(200);
      expect((await call(t.url, 'GET', `/api/v1/ai-for-hire/collect/${hash}`, { headers: me })).body).toMatchObject({ status: 'pending' });
      await backend.payFromOutside(refill.invoice); // the node is still paid; the server does not hear of it
      release();
    } finally {
      await backend.restore();
    }
    const settled = await waitUntil(async () => {
      const payout = await call(t.url, 'GET', `/api/v1/ai-for-hire/collect/${hash}`, { headers: me });
      return payout.body.status === 'pending' ? null : payout.body;
    });
    expect(settled).toMatchObject({ status: 'succeeded', paid_sats: 100, fee_sats: 0 });
    expect(await ctx.receivedElsewhere(hash)).toBe(100);
    expect(backend.node.balanceMsat).toBe(nodeBefore - 100_000n + 21_000n); // sent once, and the refill came in
    // credited without a claim once the server hears of it: a notice after it resubscribes, or its poll
    await waitUntil(async () => ((await call(t.url, 'GET', '/api/v1/balance', { headers: me })).body.balance_sats === 1000 - 100 + 21 ? true : null), 15_000);
    expect(await ctx.auditProblems()).toEqual([]);
  });
});

describe.each(['lnd', 'cln', 'nwc'] as const)('a server whose %s cannot be reached at start', (kind) => {
  it('starts and serves its free endpoints; a top-up answers 503 topup_unavailable, then works once the node is back', async () => {
    const backend = await startFakeBackend(kind);
    await backend.cut();
    const t = await startTestServerOn(backend, { store: 'postgres' });
    try {
      expect((await call(t.url, 'GET', '/api/v1/health')).body).toMatchObject({ status: 'ok', wallet: kind });
      const refused = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 100 } });
      expect([refused.status, refused.body.error?.code]).toEqual([503, 'topup_unavailable']);
      await backend.restore();
      // recovers by itself: the next top-up is the node's, and its payment is seen
      const created = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 100 } });
      expect(created.status).toBe(201);
      await backend.payFromOutside(created.body.invoice);
      await waitUntil(async () => ((await call(t.url, 'GET', `/api/v1/topup/${created.body.payment_hash}`)).body.status === 'paid' ? true : null));
    } finally {
      await t.close();
      await backend.close();
    }
  });
});
