// ClnWallet against the fake clnrest, paid by and paying development nodes (real signed BOLT11s).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentNotSentError, WalletUnavailableError, type PaymentReceivedEvent } from '../backend.js';
import { startDevnode, type RunningDevnode } from '../devnode/index.js';
import { PhoenixdWallet } from '../phoenixd/wallet.js';
import { closedPort, foreignInvoice, payThroughNode, randomPassword, waitUntil } from '../testing.js';
import { FakeNode, sha256 } from '../../testing/fake-lightning/node.js';
import { startFakeCln, type FakeCln } from '../../testing/fake-lightning/cln.js';
import { selfSignedCert } from '../../testing/fake-lightning/tls.js';
import { parseTextAs, rpcErrorSchema } from './responses.js';
import { ClnWallet, type ClnWalletOptions } from './wallet.js';

const params = (amountMsat: bigint, expirySeconds = 600) => ({ amountMsat, description: 'cln test', expirySeconds });

describe('ClnWallet ↔ fake clnrest', () => {
  const rune = randomBytes(40).toString('base64url');
  const peerPassword = randomPassword();
  const payerPassword = randomPassword();
  let skew = 0;
  let node: FakeNode;
  let cln: FakeCln;
  let peerEndpoint: { url: string; close(): Promise<void> };
  let payer: RunningDevnode;
  let payerWallet: PhoenixdWallet;
  let wallet: ClnWallet;
  const opened: ClnWallet[] = [];
  const walletWith = (extra: Partial<ClnWalletOptions> = {}): ClnWallet => {
    const w = new ClnWallet({ url: cln.url, rune, requestTimeoutMs: 2_000, resubscribeDelayMs: 20, waitSeconds: 5, now: () => Math.floor(Date.now() / 1000) + skew, ...extra });
    opened.push(w);
    return w;
  };

  beforeAll(async () => {
    node = new FakeNode({ now: () => Math.floor(Date.now() / 1000) + skew });
    peerEndpoint = await node.startPeerEndpoint(peerPassword);
    payer = await startDevnode({ port: 0, password: payerPassword, initialBalanceSat: 1_000_000, peers: [{ url: peerEndpoint.url, password: peerPassword }] });
    node.setPeers([{ url: payer.url, password: payerPassword }]);
    cln = await startFakeCln(node, { rune });
    payerWallet = new PhoenixdWallet({ url: payer.url, password: payerPassword });
    wallet = walletWith();
  });

  afterAll(async () => {
    await Promise.all(opened.map((w) => w.close()));
    await payerWallet.close();
    await cln.close();
    await peerEndpoint.close();
    await node.close();
    await payer.close();
  });

  it('creates an invoice in msat with the external id kept in its label, and lists it', async () => {
    const created = await wallet.createInvoice({ ...params(21_500n, 900), externalId: 'acct/42' });
    expect(created.bolt11.startsWith('lnbcrt')).toBe(true);
    expect((await wallet.getInfo()).nodeId).toBe(node.nodeId);
    expect(await wallet.getInvoice(created.paymentHash)).toEqual({
      paymentHash: created.paymentHash, bolt11: created.bolt11, isPaid: false, isExpired: false, receivedMsat: 0n,
      requestedMsat: 21_500n, externalId: 'acct/42', expiresAt: created.expiresAt, completedAt: null,
    });
    expect(await wallet.getInvoice('00'.repeat(32))).toBeNull();
  });

  it('a wrong rune: unavailable, and no payment is sent with it', async () => {
    const wrong = walletWith({ rune: 'not-the-rune' });
    await expect(wrong.getInfo()).rejects.toThrow(WalletUnavailableError);
    const outside = await payerWallet.createInvoice(params(1_000n));
    await expect(wrong.payInvoice({ bolt11: outside.bolt11 })).rejects.toThrow(PaymentNotSentError);
    expect(cln.pays.some((p) => p.bolt11 === outside.bolt11)).toBe(false);
  });

  it('waitanyinvoice tells of settled invoices, resumes from lastpay_index after a break, and polls while down', async () => {
    const events: PaymentReceivedEvent[] = [];
    const listening = walletWith();
    listening.onPaymentReceived((e) => events.push(e));
    const first = await listening.createInvoice({ ...params(3_000n), externalId: 'x-1' });
    await waitUntil(() => (node.requests.includes('POST /v1/waitanyinvoice') ? true : null));
    await payThroughNode(payer.url, payerPassword, first.bolt11);
    expect(await waitUntil(() => events.find((e) => e.paymentHash === first.paymentHash) ?? null)).toEqual({ paymentHash: first.paymentHash, amountMsat: 3_000n, externalId: 'x-1' });

    node.subscriptionsRefused = true;
    node.dropStreams();
    const elsewhere = await wallet.createInvoice(params(4_000n)); // not watched by `listening`: only the resume finds it
    const own = await listening.createInvoice(params(5_000n)); // watched: the polling finds it while down
    await payThroughNode(payer.url, payerPassword, elsewhere.bolt11);
    await payThroughNode(payer.url, payerPassword, own.bolt11);
    expect(await waitUntil(() => events.find((e) => e.paymentHash === own.paymentHash) ?? null)).toMatchObject({ amountMsat: 5_000n });
    expect(events.some((e) => e.paymentHash === elsewhere.paymentHash)).toBe(false);
    node.subscriptionsRefused = false;
    expect(await waitUntil(() => events.find((e) => e.paymentHash === elsewhere.paymentHash) ?? null)).toMatchObject({ amountMsat: 4_000n });
    expect(events.filter((e) => e.paymentHash === own.paymentHash)).toHaveLength(1);
  });

  it('a new subscriber starts after the invoices already paid, not from the first one ever', async () => {
    const events: PaymentReceivedEvent[] = [];
    const late = walletWith();
    const lists = (): number => node.requests.filter((r) => r === 'POST /v1/listinvoices').length;
    const before = lists();
    late.onPaymentReceived((e) => events.push(e));
    const next = await wallet.createInvoice(params(1_000n));
    await waitUntil(() => (lists() > before ? true : null)); // it has learnt the latest pay_index
    await payThroughNode(payer.url, payerPassword, next.bolt11);
    await waitUntil(() => events.find((e) => e.paymentHash === next.paymentHash) ?? null);
    expect(events.map((e) => e.paymentHash)).toEqual([next.paymentHash]);
  });

  it('the latest pay_index read in pages (a node of many invoices), and whole from a node before v23.08', async () => {
    for (let i = 0; i < 3; i++) await payThroughNode(payer.url, payerPassword, (await wallet.createInvoice(params(1_000n))).bolt11);
    for (const before2308 of [false, true]) {
      node.clnBefore2308 = before2308;
      try {
        const next = await wallet.createInvoice(params(1_000n));
        const events: PaymentReceivedEvent[] = [];
        const before = cln.listings.length;
        // pages of two over every invoice (the last one short, or empty); a node refusing pages: the refused one, then one whole
        const reads = before2308 ? 2 : Math.floor(node.invoices.size / 2) + 1;
        walletWith({ listPageSize: 2 }).onPaymentReceived((e) => events.push(e));
        await waitUntil(() => (cln.listings.length - before >= reads ? true : null));
        expect(cln.listings.slice(before).map((p) => p.start ?? 'whole')).toEqual(before2308 ? [0, 'whole'] : Array.from({ length: reads }, (_x, i) => 2 * i + 1).map((n, i) => (i === 0 ? 0 : n)));
        await payThroughNode(payer.url, payerPassword, next.bolt11);
        await waitUntil(() => events.find((e) => e.paymentHash === next.paymentHash) ?? null);
        expect(events.map((e) => e.paymentHash)).toEqual([next.paymentHash]);
      } finally {
        node.clnBefore2308 = false;
      }
    }
  });

  it('an RPC error in the Python clnrest’s shape ({"error": {code, message}}) is read as one', async () => {
    expect(parseTextAs(rpcErrorSchema, JSON.stringify({ error: { code: 904, message: 'Timed out' } }))).toEqual({ code: 904, message: 'Timed out' });
    expect(parseTextAs(rpcErrorSchema, JSON.stringify({ code: 205, message: 'Ran out of routes' }))).toEqual({ code: 205, message: 'Ran out of routes' });
  });

  it('pays with maxfee and retry_for; listpays shows it; paying again answers the first success', async () => {
    const outside = await payerWallet.createInvoice(params(7_000n));
    const outcome = await wallet.payInvoice({ bolt11: outside.bolt11 });
    if (outcome.status !== 'succeeded') throw new Error(JSON.stringify(outcome));
    expect(sha256(outcome.preimage)).toBe(outside.paymentHash);
    expect(outcome).toMatchObject({ amountMsat: 7_000n, feeMsat: 0n });
    expect(cln.pays.at(-1)).toEqual({ bolt11: outside.bolt11, maxfee: 10_000, retry_for: 60 });
    expect(await wallet.getPayment(outside.paymentHash)).toEqual(outcome);
    const sent = cln.pays.length;
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual(outcome);
    expect(cln.pays.length).toBe(sent); // known complete: not sent again
    const capped = await payerWallet.createInvoice(params(1_000n));
    expect(await wallet.payInvoice({ bolt11: capped.bolt11, maxFeeMsat: 10_500n })).toMatchObject({ status: 'succeeded' });
    expect(cln.pays.at(-1)).toMatchObject({ maxfee: 10_500 });
  });

  it('route failures are failed with the RPC error; after one, the invoice may be paid', async () => {
    const outside = await payerWallet.createInvoice(params(1_000n));
    node.failNextPayment();
    const failed = await wallet.payInvoice({ bolt11: outside.bolt11 });
    expect(failed).toMatchObject({ status: 'failed', paymentHash: outside.paymentHash });
    expect(failed.status === 'failed' && failed.reason).toMatch(/Ran out of routes.*\(205\)/);
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toMatchObject({ status: 'succeeded' });
    const foreign = foreignInvoice(1_000n);
    expect(await wallet.payInvoice({ bolt11: foreign.bolt11 })).toMatchObject({ status: 'failed', paymentHash: foreign.paymentHash });
  });

  it('pay outlasting the wait: pending, not sent again while pending, resolved by listpays', async () => {
    const outside = await payerWallet.createInvoice(params(2_000n));
    const impatient = walletWith({ payWaitMs: 200 });
    const release = node.holdNextPayment();
    expect(await impatient.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    const sent = cln.pays.length;
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(cln.pays.length).toBe(sent);
    release();
    const settled = await waitUntil(async () => {
      const o = await wallet.getPayment(outside.paymentHash);
      return o?.status === 'pending' ? null : o;
    });
    expect(settled).toMatchObject({ status: 'succeeded', amountMsat: 2_000n });
  });

  it('a 5xx that is no RPC error, or a hang: pending; listpays then tells', async () => {
    const outside = await payerWallet.createInvoice(params(1_000n));
    // listpays first (answered), then pay refused by a proxy, then the listpays after it refused too
    const hurried = walletWith({ payWaitMs: 200, requestTimeoutMs: 300 });
    node.failRequest('POST /v1/pay', 502);
    node.failRequest('POST /v1/listpays', 502, 1);
    expect(await hurried.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(await wallet.getPayment(outside.paymentHash)).toBeNull(); // never reached the node: a later pay may go
    node.hangNextRequest('POST /v1/listinvoices');
    await expect(hurried.getInvoice(outside.paymentHash)).rejects.toThrow(WalletUnavailableError);
  });

  it('nothing listening: unavailable for lookups, a payout says nothing was sent', async () => {
    const gone = walletWith({ url: `http://127.0.0.1:${await closedPort()}` });
    await expect(gone.createInvoice(params(1_000n))).rejects.toThrow(WalletUnavailableError);
    await expect(gone.getPayment('00'.repeat(32))).rejects.toThrow(WalletUnavailableError);
    await expect(gone.payInvoice({ bolt11: foreignInvoice().bolt11 })).rejects.toThrow(PaymentNotSentError);
  });

  it('over HTTPS with clnrest\'s self-signed certificate: trusted when given, refused otherwise', async () => {
    const tls = selfSignedCert();
    const secure = await startFakeCln(node, { rune, tls });
    try {
      const trusting = walletWith({ url: secure.url, tlsCertPem: tls.certPem });
      expect((await trusting.getInfo()).nodeId).toBe(node.nodeId);
      await expect(walletWith({ url: secure.url }).getInfo()).rejects.toThrow(WalletUnavailableError);
      await expect(walletWith({ url: secure.url, tlsCertPem: selfSignedCert().certPem }).getInfo()).rejects.toThrow(WalletUnavailableError);
    } finally {
      await secure.close();
    }
  });

  it('an expired invoice shows expired', async () => {
    const created = await wallet.createInvoice(params(1_000n, 60));
    skew = 61;
    try {
      expect(await wallet.getInvoice(created.paymentHash)).toMatchObject({ isExpired: true, isPaid: false });
    } finally {
      skew = 0;
    }
  });
});
