// PhoenixdWallet-specific contract tests against development nodes over real HTTP (webhooks, sats, restarts); the cases every backend shares are in conformance.test.ts.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bolt11 from 'bolt11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentNotSentError, WalletUnavailableError } from './backend.js';
import { startDevnode, type RunningDevnode } from './devnode/index.js';
import { PhoenixdWallet } from './phoenixd/wallet.js';
import { callNode, closedPort, foreignInvoice, payThroughNode, randomPassword, startWebhookReceiver, waitUntil, type WebhookReceiver } from './testing.js';

const sha256 = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const invoiceParams = (amountMsat: bigint, extra: { externalId?: string; webhookUrl?: string; expirySeconds?: number } = {}) => ({
  amountMsat,
  description: 'contract test',
  expirySeconds: 600,
  ...extra,
});

describe('WalletBackend contract: PhoenixdWallet ↔ devnode', () => {
  const secret = 'webhook-secret';
  const passwordA = randomPassword();
  const passwordB = randomPassword();
  let skewMs = 0; // moves node A's clock, to expire invoices without waiting
  let hooks: WebhookReceiver;
  let nodeA: RunningDevnode;
  let nodeB: RunningDevnode;
  let walletA: PhoenixdWallet;
  let walletB: PhoenixdWallet;

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    nodeB = await startDevnode({ port: 0, password: passwordB, webhookSecret: secret, initialBalanceSat: 0 });
    nodeA = await startDevnode({
      port: 0,
      password: passwordA,
      webhookUrl: hooks.url,
      webhookSecret: secret,
      peers: [{ url: nodeB.url, password: passwordB }],
      initialBalanceSat: 100_000,
      now: () => Date.now() + skewMs,
    });
    walletA = new PhoenixdWallet({ url: nodeA.url, password: passwordA, webhookSecret: secret });
    walletB = new PhoenixdWallet({ url: nodeB.url, password: passwordB, webhookSecret: secret });
  });

  afterAll(async () => {
    await Promise.all([walletA.close(), walletB.close()]);
    await Promise.all([nodeA.close(), nodeB.close()]);
    await hooks.close();
  });

  it('creates a real BOLT11 invoice for the amount, signed by the node', async () => {
    const created = await walletA.createInvoice(invoiceParams(21_000n, { externalId: 'ext-1' }));
    const decoded = bolt11.decode(created.bolt11);
    expect(created.bolt11.startsWith('lnbcrt210n1')).toBe(true);
    expect(decoded.millisatoshis).toBe('21000');
    expect(decoded.tagsObject.payment_hash).toBe(created.paymentHash);
    expect(decoded.payeeNodeKey).toBe(nodeA.nodeId);
    expect(decoded.tagsObject.payment_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.amountMsat).toBe(21_000n);
    expect(created.expiresAt).toBe((decoded.timestamp ?? 0) + 600);
    expect((await walletA.getInfo()).nodeId).toBe(nodeA.nodeId);
  });

  it('refuses amounts that are not whole sats, before asking the node', async () => {
    await expect(walletA.createInvoice(invoiceParams(21_500n))).rejects.toThrow(RangeError);
    await expect(walletA.createInvoice(invoiceParams(0n))).rejects.toThrow(RangeError);
  });

  it('reports an invoice unpaid, then paid once paid, and sends a verifiable webhook', async () => {
    const created = await walletA.createInvoice(invoiceParams(5_000n, { externalId: 'ext-2' }));
    const before = await walletA.getInvoice(created.paymentHash);
    expect(before).toMatchObject({ paymentHash: created.paymentHash, bolt11: created.bolt11, isPaid: false, isExpired: false, receivedMsat: 0n, requestedMsat: 5_000n, externalId: 'ext-2', completedAt: null });
    expect(before?.expiresAt).toBe(created.expiresAt);

    const paid = await payThroughNode(nodeA.url, passwordA, created.bolt11);
    expect(sha256(String(paid.paymentPreimage))).toBe(created.paymentHash);

    const after = await walletA.getInvoice(created.paymentHash);
    expect(after).toMatchObject({ isPaid: true, receivedMsat: 5_000n });
    expect(after?.completedAt).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);

    const hook = await hooks.waitFor(created.paymentHash);
    expect(walletA.verifyWebhook(hook.body, hook.signature)).toEqual({ paymentHash: created.paymentHash, amountMsat: 5_000n, externalId: 'ext-2' });
    expect(walletB.verifyWebhook(hook.body, 'f'.repeat(64))).toBeNull();
  });

  it('an invoice it already paid, paid again: the first payment answers (phoenixd refuses the second), nothing is sent twice', async () => {
    const created = await walletA.createInvoice(invoiceParams(1_000n));
    const first = await payThroughNode(nodeA.url, passwordA, created.bolt11);
    const again = await walletA.payInvoice({ bolt11: created.bolt11 });
    expect(again).toMatchObject({ status: 'succeeded', paymentHash: created.paymentHash, preimage: first.paymentPreimage, amountMsat: 1_000n });
    expect(await walletA.getInvoice(created.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 1_000n });
  });

  it('answers null for a hash it never saw', async () => {
    expect(await walletA.getInvoice('00'.repeat(32))).toBeNull();
    expect(await walletA.getInvoice('not-a-hash')).toBeNull();
    expect(await walletA.getPayment('00'.repeat(32))).toBeNull();
  });

  it('shows an invoice past its expiry as expired, and will not pay it', async () => {
    const created = await walletA.createInvoice(invoiceParams(1_000n, { expirySeconds: 60 }));
    skewMs = 61_000;
    try {
      expect(await walletA.getInvoice(created.paymentHash)).toMatchObject({ isExpired: true, isPaid: false });
      const outcome = await walletA.payInvoice({ bolt11: created.bolt11 });
      expect(outcome.status === 'failed' && outcome.reason).toMatch(/expired/);
    } finally {
      skewMs = 0;
    }
  });

  it('pays a peer devnode: the preimage matches, balances move, getPayment shows it', async () => {
    const created = await walletB.createInvoice(invoiceParams(7_000n));
    const balanceA = await balanceSat(nodeA.url, passwordA);
    const outcome = await walletA.payInvoice({ bolt11: created.bolt11 });
    if (outcome.status !== 'succeeded') throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
    expect(sha256(outcome.preimage)).toBe(created.paymentHash);
    expect(outcome).toMatchObject({ paymentHash: created.paymentHash, amountMsat: 7_000n, feeMsat: 0n });
    expect(await walletA.getPayment(created.paymentHash)).toEqual(outcome);
    expect(await walletB.getInvoice(created.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 7_000n });
    expect(await balanceSat(nodeA.url, passwordA)).toBe(balanceA - 7);
    expect(await balanceSat(nodeB.url, passwordB)).toBe(7);
  });

  it('fails a payment larger than the balance, and keeps the balance', async () => {
    const created = await walletB.createInvoice(invoiceParams(200_000_000n)); // 200,000 sats, A has less
    const balanceA = await balanceSat(nodeA.url, passwordA);
    const outcome = await walletA.payInvoice({ bolt11: created.bolt11 });
    expect(outcome.status === 'failed' && outcome.reason).toMatch(/insufficient balance/);
    expect(await balanceSat(nodeA.url, passwordA)).toBe(balanceA);
    expect(await walletB.getInvoice(created.paymentHash)).toMatchObject({ isPaid: false });
  });

  it('fails definitively, with a reason, for an invoice of an unknown node', async () => {
    const foreign = foreignInvoice(3_000n);
    const outcome = await walletA.payInvoice({ bolt11: foreign.bolt11 });
    expect(outcome).toMatchObject({ status: 'failed', paymentHash: foreign.paymentHash });
    expect(outcome.status === 'failed' && outcome.reason).toMatch(/no route/);
    expect(await walletA.getPayment(foreign.paymentHash)).toMatchObject({ status: 'failed', paymentHash: foreign.paymentHash });
  });

  it('pays a zero-amount invoice with the amount given, in whole sats only', async () => {
    const answer = await callNode(nodeB.url, passwordB, 'POST', '/createinvoice', { description: 'any amount' });
    const { serialized, paymentHash } = JSON.parse(answer.text) as { serialized: string; paymentHash: string };
    await expect(walletA.payInvoice({ bolt11: serialized, amountMsat: 1_500n })).rejects.toThrow(RangeError);
    expect(await walletA.payInvoice({ bolt11: serialized })).toMatchObject({ status: 'failed' }); // no amount: refused
    expect(await walletA.payInvoice({ bolt11: serialized, amountMsat: 2_000n })).toMatchObject({ status: 'succeeded', amountMsat: 2_000n });
    expect(await walletB.getInvoice(paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 2_000n, requestedMsat: null });
  });

  it('injected failure: a definite failure, the invoice stays payable', async () => {
    const created = await walletB.createInvoice(invoiceParams(1_000n));
    await callNode(nodeA.url, passwordA, 'POST', '/_devnode/next-payment', { outcome: 'fail' });
    expect(await walletA.payInvoice({ bolt11: created.bolt11 })).toMatchObject({ status: 'failed', paymentHash: created.paymentHash });
    expect(await walletA.getPayment(created.paymentHash)).toMatchObject({ status: 'failed' });
    expect(await walletA.payInvoice({ bolt11: created.bolt11 })).toMatchObject({ status: 'succeeded' });
    expect(await walletA.getPayment(created.paymentHash)).toMatchObject({ status: 'succeeded' }); // the success wins over the failed attempt
  });

  it('injected stall: the client times out with `pending`, getPayment settles it later', async () => {
    const created = await walletB.createInvoice(invoiceParams(2_000n));
    const impatient = new PhoenixdWallet({ url: nodeA.url, password: passwordA, payTimeoutMs: 150 });
    try {
      await callNode(nodeA.url, passwordA, 'POST', '/_devnode/next-payment', { outcome: 'pending', holdMs: '1500' });
      expect(await impatient.payInvoice({ bolt11: created.bolt11 })).toEqual({ status: 'pending', paymentHash: created.paymentHash });
      expect(await walletA.getPayment(created.paymentHash)).toEqual({ status: 'pending', paymentHash: created.paymentHash });
      const settled = await waitUntil(async () => {
        const outcome = await walletA.getPayment(created.paymentHash);
        return outcome?.status === 'pending' ? null : outcome;
      });
      expect(settled).toMatchObject({ status: 'succeeded', paymentHash: created.paymentHash, amountMsat: 2_000n });
      expect(settled?.status === 'succeeded' && sha256(settled.preimage)).toBe(created.paymentHash);
    } finally {
      await impatient.close();
    }
  });

  it('throws WalletUnavailableError with a wrong password; payInvoice says nothing was sent, and pays nothing', async () => {
    const wrong = new PhoenixdWallet({ url: nodeA.url, password: 'wrong' });
    try {
      await expect(wrong.createInvoice(invoiceParams(1_000n))).rejects.toThrow(WalletUnavailableError);
      await expect(wrong.getInvoice('00'.repeat(32))).rejects.toThrow(WalletUnavailableError);
      await expect(wrong.getInfo()).rejects.toThrow(WalletUnavailableError);
      const created = await walletB.createInvoice(invoiceParams(1_000n));
      await expect(wrong.payInvoice({ bolt11: created.bolt11 })).rejects.toThrow(PaymentNotSentError);
      expect(await walletB.getInvoice(created.paymentHash)).toMatchObject({ isPaid: false });
    } finally {
      await wrong.close();
    }
  });

  it('throws WalletUnavailableError when nothing listens; a payment there says nothing was sent', async () => {
    const gone = new PhoenixdWallet({ url: `http://127.0.0.1:${await closedPort()}`, password: 'x', requestTimeoutMs: 1_000 });
    try {
      await expect(gone.createInvoice(invoiceParams(1_000n))).rejects.toThrow(WalletUnavailableError);
      await expect(gone.getInvoice('00'.repeat(32))).rejects.toThrow(WalletUnavailableError);
      await expect(gone.getInfo()).rejects.toThrow(WalletUnavailableError);
      await expect(gone.getPayment('00'.repeat(32))).rejects.toThrow(WalletUnavailableError);
      await expect(gone.payInvoice({ bolt11: foreignInvoice().bolt11 })).rejects.toThrow(PaymentNotSentError);
    } finally {
      await gone.close();
    }
  });
});

describe('devnode restart with a data dir', () => {
  it('keeps its node id, invoices, payments and balance', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'abl-devnode-'));
    const password = randomPassword();
    try {
      const first = await startDevnode({ port: 0, password, dataDir, initialBalanceSat: 50 });
      const wallet1 = new PhoenixdWallet({ url: first.url, password });
      const paid = await wallet1.createInvoice(invoiceParams(3_000n, { externalId: 'kept' }));
      const unpaid = await wallet1.createInvoice(invoiceParams(4_000n));
      await payThroughNode(first.url, password, paid.bolt11);
      await wallet1.close();
      await first.close();

      const second = await startDevnode({ port: 0, password, dataDir });
      const wallet2 = new PhoenixdWallet({ url: second.url, password });
      try {
        expect(second.nodeId).toBe(first.nodeId);
        expect(await wallet2.getInvoice(paid.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 3_000n, externalId: 'kept' });
        expect(await wallet2.getInvoice(unpaid.paymentHash)).toMatchObject({ isPaid: false, bolt11: unpaid.bolt11 });
        expect(await wallet2.getPayment(paid.paymentHash)).toMatchObject({ status: 'succeeded' });
        expect(await balanceSat(second.url, password)).toBe(53);
        const preimage = (await payThroughNode(second.url, password, unpaid.bolt11)).paymentPreimage;
        expect(sha256(String(preimage))).toBe(unpaid.paymentHash); // its preimage survived the restart
      } finally {
        await wallet2.close();
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

async function balanceSat(url: string, password: string): Promise<number> {
  const answer = await callNode(url, password, 'GET', '/getbalance');
  return (JSON.parse(answer.text) as { balanceSat: number }).balanceSat;
}
