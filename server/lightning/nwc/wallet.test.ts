// NwcWallet against the fake NIP-47 wallet service on a local relay, beyond the conformance suite:
// the encryption chosen from the info event, pay_invoice's answers (failed, none, late, unclear),
// polling when the wallet sends no notifications, a relay that drops its connections, hold invoices.
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import * as nip44 from 'nostr-tools/nip44';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { Relay } from 'nostr-tools/relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WalletUnavailableError, type PaymentReceivedEvent } from '../backend.js';
import { closedPort, payThroughNode, waitUntil } from '../testing.js';
import { startFakeBackend, type FakeBackend } from '../../testing/wallet-rigs.js';
import { sha256 } from '../../testing/fake-lightning/node.js';
import { startFakeNwc, type FakeNwc } from '../../testing/fake-lightning/nwc.js';
import type { TestRelay } from '../../testing/nostr-relay.js';
import { watchReachability } from '../reachability.js';
import { NwcWallet, type NwcWalletOptions } from './wallet.js';

const params = (amountMsat: bigint) => ({ amountMsat, description: 'nwc test', expirySeconds: 600 });

describe('NwcWallet ↔ fake wallet service', () => {
  let backend: FakeBackend;
  let relay: TestRelay;
  let service: FakeNwc;
  let older: FakeNwc; // NIP-04 only, no notifications, no hold invoices
  const opened: NwcWallet[] = [];
  const walletOf = (svc: FakeNwc, extra: Partial<NwcWalletOptions> = {}): NwcWallet => {
    const w = new NwcWallet({ connection: svc.uri(), requestTimeoutMs: 2_000, resubscribeDelayMs: 50, ...extra });
    opened.push(w);
    return w;
  };
  const outsideInvoice = (amountMsat: bigint) => backend.payer.wallet.createInvoice(params(amountMsat));
  const pays = (svc: FakeNwc, bolt11: string): number => svc.requests.filter((r) => r.method === 'pay_invoice' && r.params.invoice === bolt11).length;

  beforeAll(async () => {
    backend = await startFakeBackend('nwc');
    if (!backend.nwc) throw new Error('no NWC rig');
    ({ relay, service } = backend.nwc);
    older = await startFakeNwc(backend.node, { relayUrl: relay.url, encryption: 'nip04', notifications: false, holdInvoices: false });
  });

  afterAll(async () => {
    await Promise.all(opened.map((w) => w.close()));
    await older.close();
    await backend.close();
  });

  it('uses NIP-44 when the info event offers it, NIP-04 with a wallet that does not; content is never plain', async () => {
    const created = await walletOf(service).createInvoice({ ...params(3_000n), externalId: 'acct-7' });
    expect(service.requests.find((r) => r.params.amount === 3_000)).toMatchObject({ method: 'make_invoice', encryption: 'nip44_v2', params: { description: 'nwc test', expiry: 600, metadata: { external_id: 'acct-7' } } });
    await walletOf(older).createInvoice(params(4_000n));
    expect(older.requests.find((r) => r.params.amount === 4_000)).toMatchObject({ method: 'make_invoice', encryption: 'nip04' });
    const traffic = relay.events.filter((e) => e.kind >= 23194 && e.kind <= 23197);
    expect(traffic.length).toBeGreaterThanOrEqual(4);
    expect(traffic.some((e) => e.content.includes('make_invoice') || e.content.includes(created.paymentHash))).toBe(false);
    expect(traffic.filter((e) => e.kind === 23194).every((e) => e.tags.some((t) => t[0] === 'expiration'))).toBe(true);
  });

  it('PAYMENT_FAILED is a definite failure, remembered by getPayment; the invoice may then be paid', async () => {
    const wallet = walletOf(service);
    const outside = await outsideInvoice(1_000n);
    service.answerNextWithError('pay_invoice', 'PAYMENT_FAILED', 'no route');
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'failed', paymentHash: outside.paymentHash, reason: 'wallet: PAYMENT_FAILED (no route)' });
    expect(await wallet.getPayment(outside.paymentHash)).toMatchObject({ status: 'failed' });
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toMatchObject({ status: 'succeeded', amountMsat: 1_000n });
    expect(pays(service, outside.bolt11)).toBe(2);
  });

  it('no answer: pending, and never sent again while its outcome is unknown', async () => {
    const wallet = walletOf(service, { payWaitMs: 200 });
    const outside = await outsideInvoice(1_000n);
    service.ignoreNext('pay_invoice');
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(await wallet.getPayment(outside.paymentHash)).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(pays(service, outside.bolt11)).toBe(1);
  });

  it('an answer signed by anyone but the wallet service is not taken: a forged success stays pending', async () => {
    const wallet = walletOf(service, { payWaitMs: 2_000 }); // long enough for the forgery to arrive first
    const outside = await outsideInvoice(1_000n);
    service.ignoreNext('pay_invoice');
    const forger = generateSecretKey();
    const forgerRelay = await Relay.connect(relay.url);
    try {
      const paying = wallet.payInvoice({ bolt11: outside.bolt11 });
      await waitUntil(() => (pays(service, outside.bolt11) === 1 ? true : null));
      // the wallet sends nothing else while it waits: its last request is the pay_invoice
      const request = relay.events.filter((e) => e.kind === 23194 && e.pubkey === service.clientPubkey).at(-1);
      if (!request) throw new Error('no request seen');
      const content = nip44.encrypt(JSON.stringify({ result_type: 'pay_invoice', error: null, result: { preimage: '11'.repeat(32) } }), nip44.getConversationKey(forger, service.clientPubkey));
      await forgerRelay.publish(finalizeEvent({ kind: 23195, created_at: Math.floor(Date.now() / 1000), tags: [['p', service.clientPubkey], ['e', request.id], ['encryption', 'nip44_v2']], content }, forger));
      expect(await paying).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    } finally {
      forgerRelay.close();
    }
  });

  it('counts as answering when it refuses get_info (some wallets keep their node to themselves), not when its relay is unreachable', async () => {
    const wallet = walletOf(service);
    service.answerNextWithError('get_info', 'RESTRICTED', 'not allowed');
    expect(await watchReachability(wallet).check()).toBe(true);
    const uri = new URL(service.uri());
    uri.searchParams.set('relay', `ws://127.0.0.1:${await closedPort()}`);
    const cutOff = new NwcWallet({ connection: uri.toString(), requestTimeoutMs: 500, resubscribeDelayMs: 50 });
    opened.push(cutOff);
    expect(await watchReachability(cutOff).check()).toBe(false);
  });

  it('a relay that takes the connection and never answers is "not answering", and does not take the process down', async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket)); // accepts, never speaks
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const uri = new URL(service.uri());
      uri.searchParams.set('relay', `ws://127.0.0.1:${(silent.address() as AddressInfo).port}`);
      const wallet = new NwcWallet({ connection: uri.toString(), requestTimeoutMs: 200, resubscribeDelayMs: 50 });
      opened.push(wallet);
      expect(await watchReachability(wallet).check()).toBe(false);
      // the socket nostr-tools closed while connecting reports its error after a turn of the loop: none goes unheard
      const unheard: unknown[] = [];
      const onError = (err: unknown) => void unheard.push(err);
      process.on('uncaughtException', onError);
      try {
        await expect(wallet.getInfo()).rejects.toThrow(WalletUnavailableError);
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      } finally {
        process.off('uncaughtException', onError);
      }
      expect(unheard).toEqual([]);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an unclear error (INTERNAL) is pending, not failed', async () => {
    const wallet = walletOf(service);
    const outside = await outsideInvoice(1_000n);
    service.answerNextWithError('pay_invoice', 'INTERNAL', 'something broke');
    expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
  });

  it('a late success: pending at first, then lookup_invoice tells the preimage; paying again sends nothing', async () => {
    const wallet = walletOf(service, { payWaitMs: 200 });
    const outside = await outsideInvoice(2_000n);
    const release = service.holdNextAnswer('pay_invoice');
    try {
      expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
      const settled = await waitUntil(async () => {
        const o = await wallet.getPayment(outside.paymentHash);
        return o?.status === 'succeeded' ? o : null;
      });
      expect(sha256(settled.preimage)).toBe(outside.paymentHash);
      expect(await wallet.payInvoice({ bolt11: outside.bolt11 })).toEqual(settled);
      expect(pays(service, outside.bolt11)).toBe(1);
    } finally {
      release();
    }
  });

  it('a wallet that sends no notifications: payments are found by polling lookup_invoice', async () => {
    const wallet = walletOf(older);
    const events: PaymentReceivedEvent[] = [];
    wallet.onPaymentReceived((e) => events.push(e));
    const created = await wallet.createInvoice({ ...params(6_000n), externalId: 'acct-9' });
    await backend.payFromOutside(created.bolt11);
    expect(await waitUntil(() => events.find((e) => e.paymentHash === created.paymentHash) ?? null)).toEqual({ paymentHash: created.paymentHash, amountMsat: 6_000n, externalId: 'acct-9' });
    expect(relay.events.some((e) => (e.kind === 23196 || e.kind === 23197) && e.pubkey === older.walletPubkey)).toBe(false);
  });

  it('the relay drops the connection: calls and notifications come back on a new one', async () => {
    const wallet = walletOf(service);
    const events: PaymentReceivedEvent[] = [];
    wallet.onPaymentReceived((e) => events.push(e));
    const notification = () => ({ kind: 23197, pubkey: service.walletPubkey, tags: [['p', service.clientPubkey]], created_at: Math.floor(Date.now() / 1000), id: '' });
    await waitUntil(() => (relay.subscribersFor(notification()) > 0 ? true : null));
    const serviceSide = (filters: { kinds?: number[] }[]) => filters.some((f) => f.kinds?.includes(23194) === true);
    const before = relay.connections();
    relay.dropConnections(serviceSide);
    expect((await wallet.getInfo()).nodeId).toBe(backend.node.nodeId);
    expect(relay.connections()).toBeGreaterThan(before);
    await waitUntil(() => (relay.subscribersFor(notification()) > 0 ? true : null));
    const created = await wallet.createInvoice(params(8_000n));
    await backend.payFromOutside(created.bolt11);
    expect(await waitUntil(() => events.find((e) => e.paymentHash === created.paymentHash) ?? null)).toMatchObject({ amountMsat: 8_000n });
  });

  it('hold invoices: a payment is held until settled with the preimage, or cancelled and given back', async () => {
    const wallet = walletOf(service);
    const hold = wallet.holdInvoices;
    const payer = backend.payer;
    const preimage = randomBytes(32).toString('hex');
    const created = await hold.createHoldInvoice({ ...params(6_000n), paymentHash: sha256(preimage) });
    expect(created.paymentHash).toBe(sha256(preimage));
    expect(service.requests.at(-1)).toMatchObject({ method: 'make_hold_invoice', params: { payment_hash: sha256(preimage), amount: 6_000 } });
    await expect(hold.settleHoldInvoice(preimage)).rejects.toThrow(/refused settle_hold_invoice: OTHER/); // nothing held yet
    const paying = payThroughNode(payer.url, payer.password, created.bolt11);
    expect(await waitUntil(async () => ((await wallet.getInvoice(created.paymentHash))?.isHeld ? wallet.getInvoice(created.paymentHash) : null))).toMatchObject({ isPaid: false, isHeld: true });
    await hold.settleHoldInvoice(preimage);
    expect((await paying).paymentPreimage).toBe(preimage);
    expect(await wallet.getInvoice(created.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 6_000n });

    const other = randomBytes(32).toString('hex');
    const cancelled = await hold.createHoldInvoice({ ...params(4_000n), paymentHash: sha256(other) });
    const refused = payThroughNode(payer.url, payer.password, cancelled.bolt11);
    await waitUntil(async () => ((await wallet.getInvoice(cancelled.paymentHash))?.isHeld ? true : null));
    await hold.cancelHoldInvoice(cancelled.paymentHash);
    expect((await refused).reason).toMatch(/canceled/);
    expect(await wallet.getInvoice(cancelled.paymentHash)).toMatchObject({ isPaid: false, isExpired: true, receivedMsat: 0n });
    await expect(hold.cancelHoldInvoice(created.paymentHash)).rejects.toThrow(/already settled/);

    const sent = older.requests.length;
    await expect(walletOf(older).holdInvoices.createHoldInvoice({ ...params(1_000n), paymentHash: sha256(other) })).rejects.toThrow(/does not offer make_hold_invoice/);
    expect(older.requests.length).toBe(sent);
  });

  it('an unreachable relay: unavailable, with the relay named and the secret nowhere', async () => {
    const port = await closedPort();
    const uri = service.uri(`ws://127.0.0.1:${port}`);
    const gone = walletOf(service, { connection: uri });
    const error = await gone.getInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalletUnavailableError);
    expect(String(error)).toContain(`127.0.0.1:${port}`);
    expect(String(error)).not.toContain(new URL(uri.replace('nostr+walletconnect:', 'http:')).searchParams.get('secret') ?? 'x');
  });
});
