// LndWallet against the fake LND (HTTPS with its own self-signed certificate), paid by and paying
// development nodes, so every invoice is a real signed BOLT11.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentNotSentError, WalletUnavailableError, type PaymentReceivedEvent } from '../backend.js';
import { startDevnode, type RunningDevnode } from '../devnode/index.js';
import { PhoenixdWallet } from '../phoenixd/wallet.js';
import { closedPort, foreignInvoice, payThroughNode, randomPassword, waitUntil } from '../testing.js';
import { FakeNode, sha256 } from '../../testing/fake-lightning/node.js';
import { startFakeLnd, type FakeLnd } from '../../testing/fake-lightning/lnd.js';
import { selfSignedCert, type SelfSignedCert } from '../../testing/fake-lightning/tls.js';
import { LndWallet, type LndWalletOptions } from './wallet.js';

const params = (amountMsat: bigint, expirySeconds = 600) => ({ amountMsat, description: 'lnd test', expirySeconds });

describe('LndWallet ↔ fake LND', () => {
  const macaroonHex = randomBytes(64).toString('hex');
  const peerPassword = randomPassword();
  const payerPassword = randomPassword();
  let skew = 0;
  let tls: SelfSignedCert;
  let node: FakeNode;
  let lnd: FakeLnd;
  let peerEndpoint: { url: string; close(): Promise<void> };
  let payer: RunningDevnode; // pays the LND node's invoices, and is paid by it
  let payerWallet: PhoenixdWallet;
  let wallet: LndWallet;
  const opened: LndWallet[] = [];
  const walletWith = (extra: Partial<LndWalletOptions> = {}): LndWallet => {
    const w = new LndWallet({ url: lnd.url, macaroonHex, tlsCertPem: tls.certPem, requestTimeoutMs: 2_000, resubscribeDelayMs: 20, now: () => Math.floor(Date.now() / 1000) + skew, ...extra });
    opened.push(w);
    return w;
  };

  beforeAll(async () => {
    tls = selfSignedCert();
    node = new FakeNode({ now: () => Math.floor(Date.now() / 1000) + skew });
    peerEndpoint = await node.startPeerEndpoint(peerPassword);
    payer = await startDevnode({ port: 0, password: payerPassword, initialBalanceSat: 1_000_000, peers: [{ url: peerEndpoint.url, password: peerPassword }] });
    node.setPeers([{ url: payer.url, password: payerPassword }]);
    lnd = await startFakeLnd(node, { macaroonHex, tls });
    payerWallet = new PhoenixdWallet({ url: payer.url, password: payerPassword });
    wallet = walletWith();
  });

  afterAll(async () => {
    await Promise.all(opened.map((w) => w.close()));
    await payerWallet.close();
    await lnd.close();
    await peerEndpoint.close();
    await node.close();
    await payer.close();
  });

  it('adds an invoice with msat precision, a real BOLT11 signed by the node, and looks it up', async () => {
    const created = await wallet.createInvoice(params(21_500n, 900));
    expect(created.bolt11.startsWith('lnbcrt')).toBe(true);
    expect(created.amountMsat).toBe(21_500n);
    expect((await wallet.getInfo()).nodeId).toBe(node.nodeId);
    expect(await wallet.getInvoice(created.paymentHash)).toMatchObject({ paymentHash: created.paymentHash, bolt11: created.bolt11, isPaid: false, isExpired: false, receivedMsat: 0n, requestedMsat: 21_500n, expiresAt: created.expiresAt, completedAt: null });
    expect(await wallet.getInvoice('00'.repeat(32))).toBeNull();
  });

  it('trusts exactly the node certificate: another self-signed one is refused', async () => {
    const other = walletWith({ tlsCertPem: selfSignedCert().certPem });
    await expect(other.getInfo()).rejects.toThrow(WalletUnavailableError);
    const system = walletWith({ tlsCertPem: undefined }); // the system CAs do not know it either
    await expect(system.getInfo()).rejects.toThrow(WalletUnavailableError);
  });

  it('a wrong macaroon is refused (unavailable), and a payout with it is not made', async () => {
    const wrong = walletWith({ macaroonHex: 'ab'.repeat(64) });
    await expect(wrong.getInfo()).rejects.toThrow(WalletUnavailableError);
    const outside = await payerWallet.createInvoice(params(1_000n));
    expect(await wrong.payInvoice({ bolt11: outside.bolt11 })).toMatchObject({ status: 'pending' }); // cannot even ask the router
    expect(node.payments.has(outside.paymentHash)).toBe(false);
  });

  it('tells a subscriber of a settled invoice, and resumes after the stream breaks without missing one', async () => {
    const events: PaymentReceivedEvent[] = [];
    const listening = walletWith();
    listening.onPaymentReceived((e) => events.push(e));
    const first = await listening.createInvoice(params(3_000n));
    await waitUntil(() => (node.requests.includes('GET /v1/invoices/subscribe') ? true : null));
    await payThroughNode(payer.url, payerPassword, first.bolt11);
    await waitUntil(() => events.find((e) => e.paymentHash === first.paymentHash) ?? null);
    // the stream breaks and cannot be had again for a while; an invoice made elsewhere is paid meanwhile
    node.subscriptionsRefused = true;
    node.dropStreams();
    const second = await wallet.createInvoice(params(4_000n));
    await payThroughNode(payer.url, payerPassword, second.bolt11);
    expect(events.some((e) => e.paymentHash === second.paymentHash)).toBe(false);
    node.subscriptionsRefused = false;
    const event = await waitUntil(() => events.find((e) => e.paymentHash === second.paymentHash) ?? null);
    expect(event).toEqual({ paymentHash: second.paymentHash, amountMsat: 4_000n, externalId: null });
    expect(node.requests).toContain('GET /v1/invoices/subscribe'); // resumed with settle_index
    expect(events.filter((e) => e.paymentHash === first.paymentHash)).toHaveLength(1);
  });

  it('polls the invoices it created while the subscription cannot be had', async () => {
    const events: PaymentReceivedEvent[] = [];
    const warnings: string[] = [];
    const listening = walletWith({ log: { warn: (m) => warnings.push(m) } });
    const created = await listening.createInvoice({ ...params(2_000n), externalId: 'acct-7' });
    node.subscriptionsRefused = true;
    try {
      listening.onPaymentReceived((e) => events.push(e));
      await payThroughNode(payer.url, payerPassword, created.bolt11);
      expect(await waitUntil(() => events.find((e) => e.paymentHash === created.paymentHash) ?? null)).toEqual({ paymentHash: created.paymentHash, amountMsat: 2_000n, externalId: 'acct-7' });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/LND invoice subscription failed .*HTTP 503.*polled/);
      expect(warnings[0]).not.toContain(macaroonHex);
    } finally {
      node.subscriptionsRefused = false;
    }
  });

  it('pays through the router with a fee limit and a timeout; the preimage proves it', async () => {
    const outside = await payerWallet.createInvoice(params(7_000n));
    const outcome = await wallet.payInvoice({ bolt11: outside.bolt11 });
    if (outcome.status !== 'succeeded') throw new Error(JSON.stringify(outcome));
    expect(sha256(outcome.preimage)).toBe(outside.paymentHash);
    expect(outcome).toMatchObject({ amountMsat: 7_000n, feeMsat: 0n });
    expect(lnd.sends.at(-1)).toMatchObject({ payment_request: outside.bolt11, fee_limit_msat: '10000', timeout_seconds: 60, no_inflight_updates: true });
    expect(await wallet.getPayment(outside.paymentHash)).toEqual(outcome);
    expect(await payerWallet.getInvoice(outside.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 7_000n });
    const capped = await payerWallet.createInvoice(params(1_000n));
    expect(await wallet.payInvoice({ bolt11: capped.bolt11, maxFeeMsat: 10_500n })).toMatchObject({ status: 'succeeded' });
    expect(lnd.sends.at(-1)).toMatchObject({ fee_limit_msat: '10500' });
  });

  it('a route failure is failed with LND’s reason; an unknown node likewise', async () => {
    const outside = await payerWallet.createInvoice(params(1_000n));
    node.failNextPayment();
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'failed', paymentHash: outside.paymentHash, reason: 'LND: FAILURE_REASON_NO_ROUTE' });
    const foreign = foreignInvoice(1_000n);
    expect(await wallet.payInvoice({ bolt11: foreign.bolt11 })).toMatchObject({ status: 'failed', paymentHash: foreign.paymentHash });
  });

  it('paying an already paid invoice again sends nothing and answers the first payment', async () => {
    const outside = await payerWallet.createInvoice(params(1_000n));
    const first = await wallet.payInvoice({ bolt11: outside.bolt11 });
    const sent = [...node.payments.values()].length;
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual(first);
    expect([...node.payments.values()].length).toBe(sent);
  });

  it('in flight past the wait: pending, never sent twice, resolved by getPayment once it lands', async () => {
    const outside = await payerWallet.createInvoice(params(2_000n));
    const impatient = walletWith({ payWaitMs: 200 });
    const release = node.holdNextPayment();
    expect(await impatient.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(await wallet.getPayment(outside.paymentHash)).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash }); // LND: "in transition"
    release();
    const settled = await waitUntil(async () => {
      const o = await wallet.getPayment(outside.paymentHash);
      return o?.status === 'pending' ? null : o;
    });
    expect(settled).toMatchObject({ status: 'succeeded', amountMsat: 2_000n });
    expect(await payerWallet.getInvoice(outside.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 2_000n });
  });

  it('a 5xx on the payout or a hung node: pending, not failed; lookups then say unavailable', async () => {
    const outside = await payerWallet.createInvoice(params(1_000n));
    node.failRequest('POST /v2/router/send', 503);
    node.failRequest(`GET /v2/router/track/${Buffer.from(outside.paymentHash, 'hex').toString('base64url')}`, 503);
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(await wallet.getPayment(outside.paymentHash)).toBeNull(); // it was never made
    const hurried = walletWith({ payWaitMs: 200, requestTimeoutMs: 200 });
    node.hangNextRequest('POST /v2/router/send');
    expect(await hurried.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    node.hangNextRequest(`GET /v1/invoice/${outside.paymentHash}`);
    await expect(hurried.getInvoice(outside.paymentHash)).rejects.toThrow(WalletUnavailableError);
  });

  it('nothing listening: unavailable for lookups, a payout says nothing was sent', async () => {
    const gone = walletWith({ url: `https://127.0.0.1:${await closedPort()}` });
    await expect(gone.createInvoice(params(1_000n))).rejects.toThrow(WalletUnavailableError);
    await expect(gone.getPayment('00'.repeat(32))).rejects.toThrow(WalletUnavailableError);
    await expect(gone.payInvoice({ bolt11: foreignInvoice().bolt11 })).rejects.toThrow(PaymentNotSentError);
  });

  it('hold invoices: a payment is held until settled with the preimage, or cancelled and given back', async () => {
    const hold = wallet.holdInvoices;
    const preimage = randomBytes(32).toString('hex');
    const created = await hold.createHoldInvoice({ ...params(6_000n), paymentHash: sha256(preimage) });
    expect(created.paymentHash).toBe(sha256(preimage));
    await expect(hold.settleHoldInvoice(preimage)).rejects.toThrow(/invoice still open/); // nothing held yet
    const paying = payThroughNode(payer.url, payerPassword, created.bolt11);
    expect(await waitUntil(async () => ((await wallet.getInvoice(created.paymentHash))?.isHeld ? wallet.getInvoice(created.paymentHash) : null))).toMatchObject({ isPaid: false, isHeld: true });
    await hold.settleHoldInvoice(preimage);
    expect((await paying).paymentPreimage).toBe(preimage);
    expect(await wallet.getInvoice(created.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 6_000n });
    expect((await wallet.getInvoice(created.paymentHash))?.isHeld).toBeUndefined();

    const other = randomBytes(32).toString('hex');
    const cancelled = await hold.createHoldInvoice({ ...params(4_000n), paymentHash: sha256(other) });
    const refused = payThroughNode(payer.url, payerPassword, cancelled.bolt11);
    await waitUntil(async () => ((await wallet.getInvoice(cancelled.paymentHash))?.isHeld ? true : null));
    await hold.cancelHoldInvoice(cancelled.paymentHash);
    expect((await refused).reason).toMatch(/canceled/);
    expect(await wallet.getInvoice(cancelled.paymentHash)).toMatchObject({ isPaid: false, isExpired: true, receivedMsat: 0n });
    await expect(hold.settleHoldInvoice(other)).rejects.toThrow(/LND refused/);
    await expect(hold.cancelHoldInvoice(created.paymentHash)).rejects.toThrow(/already settled/);
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
