// The one conformance suite every wallet backend passes: the development node through phoenixd's
// API, LND REST (the fake, over self-signed TLS), Core Lightning's clnrest (the fake) and Nostr
// Wallet Connect (the fake wallet service, on a local relay). Invoices
// are real signed BOLT11s, paid by and paying another development node.
import bolt11 from 'bolt11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../testing/fake-lightning/node.js';
import { startRig, type RigName, type WalletRig } from '../testing/wallet-rigs.js';
import { PaymentNotSentError, WalletUnavailableError } from './backend.js';
import { closedPort, foreignInvoice, waitUntil } from './testing.js';

const invoice = (amountMsat: bigint, expirySeconds = 600) => ({ amountMsat, description: 'conformance', expirySeconds });
const BACKENDS: RigName[] = ['devnode', 'lnd', 'cln', 'nwc'];

describe.each(BACKENDS)('WalletBackend conformance: %s', (name) => {
  let rig: WalletRig;

  beforeAll(async () => {
    rig = await startRig(name);
  });

  afterAll(async () => {
    await rig.close();
  });

  it('creates a real BOLT11 for the exact amount, signed by the node, and looks it up unpaid', async () => {
    const created = await rig.wallet.createInvoice({ ...invoice(21_000n, 900), externalId: 'acct-1' });
    const decoded = bolt11.decode(created.bolt11);
    expect(decoded.millisatoshis).toBe('21000');
    expect(decoded.payeeNodeKey).toBe(rig.nodeId);
    expect(decoded.tagsObject.payment_hash).toBe(created.paymentHash);
    expect(created).toMatchObject({ amountMsat: 21_000n, expiresAt: (decoded.timestamp ?? 0) + 900 });
    expect(await rig.wallet.getInvoice(created.paymentHash)).toMatchObject({
      paymentHash: created.paymentHash, bolt11: created.bolt11, isPaid: false, isExpired: false, receivedMsat: 0n,
      requestedMsat: 21_000n, expiresAt: created.expiresAt, completedAt: null,
    });
    expect((await rig.wallet.getInfo()).nodeId).toBe(rig.nodeId);
  });

  it('amounts are exact in msat: kept to the msat where the node can, refused before any call where not', async () => {
    if (rig.msatInvoices) {
      const created = await rig.wallet.createInvoice(invoice(21_500n));
      await rig.payFromOutside(created.bolt11);
      expect(await waitUntil(async () => ((await rig.wallet.getInvoice(created.paymentHash))?.isPaid ? rig.wallet.getInvoice(created.paymentHash) : null))).toMatchObject({ receivedMsat: 21_500n, requestedMsat: 21_500n });
    } else {
      await expect(rig.wallet.createInvoice(invoice(21_500n))).rejects.toThrow(RangeError);
    }
    await expect(rig.wallet.createInvoice(invoice(0n))).rejects.toThrow(RangeError);
  });

  it('paid from another node: a notice with the exact amount, and the lookup says paid', async () => {
    const before = Math.floor(Date.now() / 1000); // the payment completes after this, however slow the steps below
    const created = await rig.wallet.createInvoice({ ...invoice(5_000n), externalId: 'acct-2' });
    await rig.payFromOutside(created.bolt11);
    expect(await rig.notice(created.paymentHash)).toEqual({ paymentHash: created.paymentHash, amountMsat: 5_000n, externalId: 'acct-2' });
    const paid = await rig.wallet.getInvoice(created.paymentHash);
    expect(paid).toMatchObject({ isPaid: true, receivedMsat: 5_000n });
    expect(paid?.completedAt).toBeGreaterThanOrEqual(before);
  });

  it('past its expiry: shown expired, and another node cannot pay it', async () => {
    const created = await rig.wallet.createInvoice(invoice(1_000n, 60));
    rig.setSkewSeconds(61);
    try {
      expect(await rig.wallet.getInvoice(created.paymentHash)).toMatchObject({ isExpired: true, isPaid: false });
      await expect(rig.payFromOutside(created.bolt11)).rejects.toThrow(/expired/);
      expect(await rig.wallet.getInvoice(created.paymentHash)).toMatchObject({ isPaid: false, receivedMsat: 0n });
    } finally {
      rig.setSkewSeconds(0);
    }
  });

  it('a hash it never saw: null, for invoices and for payments', async () => {
    expect(await rig.wallet.getInvoice('00'.repeat(32))).toBeNull();
    expect(await rig.wallet.getInvoice('not-a-hash')).toBeNull();
    expect(await rig.wallet.getPayment('00'.repeat(32))).toBeNull();
  });

  it('pays another node: the preimage proves it, the amount leaves exactly once, getPayment agrees', async () => {
    const outside = await rig.outsideInvoice(7_000n);
    const before = await rig.balanceMsat();
    const outcome = await rig.wallet.payInvoice({ bolt11: outside.bolt11 });
    if (outcome.status !== 'succeeded') throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
    expect(sha256(outcome.preimage)).toBe(outside.paymentHash);
    expect(outcome).toMatchObject({ paymentHash: outside.paymentHash, amountMsat: 7_000n, feeMsat: 0n });
    expect(await rig.wallet.getPayment(outside.paymentHash)).toEqual(outcome);
    expect(await rig.outsideReceivedMsat(outside.paymentHash)).toBe(7_000n);
    expect(await rig.balanceMsat()).toBe(before - 7_000n);
  });

  it('a route failure is a definite failure with a reason; nothing leaves; the invoice stays payable', async () => {
    const outside = await rig.outsideInvoice(1_000n);
    const before = await rig.balanceMsat();
    await rig.failNextPayment();
    const failed = await rig.wallet.payInvoice({ bolt11: outside.bolt11 });
    expect(failed).toMatchObject({ status: 'failed', paymentHash: outside.paymentHash });
    expect(failed.status === 'failed' && failed.reason.length).toBeGreaterThan(0);
    expect(await rig.balanceMsat()).toBe(before);
    expect(await rig.wallet.getPayment(outside.paymentHash)).toMatchObject({ status: 'failed' });
    expect(await rig.wallet.payInvoice({ bolt11: outside.bolt11 })).toMatchObject({ status: 'succeeded', amountMsat: 1_000n });
  });

  it('an invoice of a node nobody routes to: failed', async () => {
    const foreign = foreignInvoice(3_000n);
    expect(await rig.wallet.payInvoice({ bolt11: foreign.bolt11 })).toMatchObject({ status: 'failed', paymentHash: foreign.paymentHash });
  });

  it('unknown outcome: pending (never failed), resolved by getPayment, and paid exactly once', async () => {
    const outside = await rig.outsideInvoice(2_000n);
    const before = await rig.balanceMsat();
    const release = await rig.holdNextPayment();
    const impatient = rig.impatientWallet();
    expect(await impatient.payInvoice({ bolt11: outside.bolt11 })).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    expect(await rig.wallet.getPayment(outside.paymentHash)).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    release();
    const settled = await waitUntil(async () => {
      const o = await rig.wallet.getPayment(outside.paymentHash);
      return o?.status === 'pending' ? null : o;
    });
    expect(settled).toMatchObject({ status: 'succeeded', paymentHash: outside.paymentHash, amountMsat: 2_000n });
    expect(settled?.status === 'succeeded' && sha256(settled.preimage)).toBe(outside.paymentHash);
    expect(await rig.outsideReceivedMsat(outside.paymentHash)).toBe(2_000n);
    expect(await rig.balanceMsat()).toBe(before - 2_000n);
  });

  it('node unreachable: lookups throw WalletUnavailableError; a payout says nothing was sent (PaymentNotSentError), never failed', async () => {
    const gone = rig.unreachableWallet(await closedPort());
    await expect(gone.createInvoice(invoice(1_000n))).rejects.toThrow(WalletUnavailableError);
    await expect(gone.getInvoice('00'.repeat(32))).rejects.toThrow(WalletUnavailableError);
    await expect(gone.getPayment('00'.repeat(32))).rejects.toThrow(WalletUnavailableError);
    await expect(gone.getInfo()).rejects.toThrow(WalletUnavailableError);
    await expect(gone.payInvoice({ bolt11: foreignInvoice().bolt11 })).rejects.toThrow(PaymentNotSentError);
  });
});

// The node goes away between calls and comes back (the fakes: their API or relay stops while the
// node runs on; the devnode: the node itself stops and starts again on the same port, same state).
describe.each(BACKENDS)('WalletBackend conformance, the node away in the middle: %s', (name) => {
  let rig: WalletRig;

  beforeAll(async () => {
    rig = await startRig(name);
  });

  afterAll(async () => {
    await rig.close();
  });

  it('while it is away every call says WalletUnavailableError (a payout: nothing sent); once back, the same wallet works again', async () => {
    const before = await rig.wallet.createInvoice(invoice(4_000n));
    await rig.cutOff();
    try {
      await expect(rig.wallet.createInvoice(invoice(1_000n))).rejects.toThrow(WalletUnavailableError);
      await expect(rig.wallet.getInvoice(before.paymentHash)).rejects.toThrow(WalletUnavailableError);
      await expect(rig.wallet.getPayment('00'.repeat(32))).rejects.toThrow(WalletUnavailableError);
      await expect(rig.wallet.getInfo()).rejects.toThrow(WalletUnavailableError);
      await expect(rig.wallet.payInvoice({ bolt11: foreignInvoice().bolt11 })).rejects.toThrow(PaymentNotSentError);
    } finally {
      await rig.reconnect();
    }
    expect(await rig.wallet.getInvoice(before.paymentHash)).toMatchObject({ paymentHash: before.paymentHash, isPaid: false });
    const after = await rig.wallet.createInvoice(invoice(2_000n));
    expect(bolt11.decode(after.bolt11).payeeNodeKey).toBe(rig.nodeId);
    expect((await rig.wallet.getInfo()).nodeId).toBe(rig.nodeId);
  });

  it('notices resume once it is back, and a payment made while it was away is still told', async () => {
    const early = await rig.wallet.createInvoice({ ...invoice(6_000n), externalId: 'acct-away' });
    await rig.cutOff();
    try {
      if (rig.payableWhileCut) await rig.payFromOutside(early.bolt11);
    } finally {
      await rig.reconnect();
    }
    if (!rig.payableWhileCut) await rig.payFromOutside(early.bolt11);
    expect(await rig.notice(early.paymentHash)).toEqual({ paymentHash: early.paymentHash, amountMsat: 6_000n, externalId: 'acct-away' });
    const later = await rig.wallet.createInvoice({ ...invoice(7_000n), externalId: 'acct-back' });
    await rig.payFromOutside(later.bolt11);
    expect(await rig.notice(later.paymentHash)).toEqual({ paymentHash: later.paymentHash, amountMsat: 7_000n, externalId: 'acct-back' });
  });

  it('a payout in flight when it goes away: never failed, found by getPayment once it is back, and paid exactly once', async () => {
    const outside = await rig.outsideInvoice(3_000n);
    const before = await rig.balanceMsat();
    const release = await rig.holdNextPayment();
    const paying = rig.wallet.payInvoice({ bolt11: outside.bolt11 });
    await waitUntil(async () => ((await rig.wallet.getPayment(outside.paymentHash)) !== null ? true : null)); // the node has it (the devnode may finish it by itself)
    let first: Awaited<typeof paying>;
    try {
      const stopping = rig.cutOff();
      first = await paying;
      await stopping;
      // asked again while away: not sent again (this call sent nothing), and not failed
      await expect(rig.wallet.payInvoice({ bolt11: outside.bolt11 })).rejects.toThrow(PaymentNotSentError);
      release();
    } finally {
      await rig.reconnect();
    }
    if (rig.finishesPaymentsWhenStopped) expect(first).toMatchObject({ status: 'succeeded', paymentHash: outside.paymentHash });
    else expect(first).toEqual({ status: 'pending', paymentHash: outside.paymentHash });
    const settled = await waitUntil(async () => {
      const o = await rig.wallet.getPayment(outside.paymentHash);
      return o?.status === 'pending' ? null : o;
    });
    expect(settled).toMatchObject({ status: 'succeeded', paymentHash: outside.paymentHash, amountMsat: 3_000n });
    // paying it again now answers the payment made, and sends nothing
    expect(await rig.wallet.payInvoice({ bolt11: outside.bolt11 })).toMatchObject({ status: 'succeeded', paymentHash: outside.paymentHash });
    expect(await rig.outsideReceivedMsat(outside.paymentHash)).toBe(3_000n);
    expect(await rig.balanceMsat()).toBe(before - 3_000n);
  });
});
