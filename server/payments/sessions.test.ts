// A session's refund when the wallet cannot say at once what happened: it stays pending (held in
// payouts_pending, the audit clean), is looked up and settled once; a lookup that finds it failed
// gives the remainder back to the closed session; racing closes and the idle sweep pay it once; a
// close while calls run is refunded, their change included, when the last has ended.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRegtestInvoice } from '../l402/testing.js';
import { createLedger, type Ledger } from '../ledger/index.js';
import { PaymentNotSentError, type PayInvoiceParams, type PaymentOutcome, type WalletBackend } from '../lightning/backend.js';
import { mintSessionChallenge } from '../mpp/session.js';
import type { MppCredential } from '../mpp/header.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/testing.js';
import { deriveKey } from '../wire/binding.js';
import { DEFAULT_REALM } from './rail.js';
import { createPaymentGate } from './gate.js';
import { createSessions, SESSION_ENDPOINT, type Sessions } from './sessions.js';

const NOW = 1_800_000_000;
const DAY = 86_400;

function fakeWallet() {
  const paid: PayInvoiceParams[] = [];
  const w = {
    pay: async (_p: PayInvoiceParams): Promise<PaymentOutcome> => ({ status: 'pending', paymentHash: null }),
    lookup: async (_hash: string): Promise<PaymentOutcome | null> => null,
  };
  const wallet = {
    kind: 'fake',
    payInvoice: async (p: PayInvoiceParams) => {
      paid.push(p);
      return w.pay(p);
    },
    getPayment: (hash: string) => w.lookup(hash),
  } as unknown as WalletBackend;
  return { wallet, paid, w };
}

describe.each(STORE_KINDS)('session refunds whose outcome comes later on %s', (kind) => {
  let store: TestStore;
  let ledger: Ledger;
  let sessions: Sessions;
  let fake: ReturnType<typeof fakeWallet>;
  const clock = { now: NOW };
  const rootKey = randomBytes(32);

  beforeEach(async () => {
    clock.now = NOW;
    store = await openTestStore(kind);
    ledger = await createLedger(store.db, { now: () => clock.now });
    fake = fakeWallet();
    sessions = createSessions({ db: store.db, ledger, wallet: fake.wallet, rootKey, now: () => clock.now, deposit: { defaultSats: 100, minSats: 1, maxSats: 1000, invoiceExpirySeconds: 600 } });
  });
  afterEach(async () => store?.close());

  /** An open session of `sats` whose return invoice's preimage the test knows (to prove a refund paid). */
  async function open(sats: number) {
    const preimage = randomBytes(32);
    const paymentHash = createHash('sha256').update(preimage).digest('hex');
    const invoice = makeRegtestInvoice({ paymentHash: Buffer.from(paymentHash, 'hex'), amountMsat: BigInt(sats) * 1000n, timestamp: NOW });
    const challenge = mintSessionChallenge({ key: deriveKey(rootKey, 'mpp'), realm: DEFAULT_REALM, endpoint: SESSION_ENDPOINT, unitSats: 1n, invoice, paymentHash, depositMsat: BigInt(sats) * 1000n, idleTimeoutSeconds: 300, expiresAt: NOW + 600 });
    const returnPreimage = randomBytes(32);
    const returnHash = createHash('sha256').update(returnPreimage).digest('hex');
    const returnInvoice = makeRegtestInvoice({ paymentHash: Buffer.from(returnHash, 'hex'), amountMsat: null, timestamp: NOW, expirySeconds: 31 * DAY });
    const opened = await sessions.act({ challenge, preimage, session: { action: 'open', preimage, returnInvoice } });
    expect(opened).toMatchObject({ status: 'open', sessionId: paymentHash, balanceMsat: BigInt(sats) * 1000n });
    const close: MppCredential = { challenge, preimage, session: { action: 'close', sessionId: paymentHash, preimage } };
    const succeeded = (feeMsat = 0n): PaymentOutcome => ({ status: 'succeeded', paymentHash: returnHash, preimage: returnPreimage.toString('hex'), amountMsat: BigInt(sats) * 1000n, feeMsat });
    return { paymentHash, returnHash, close, succeeded };
  }
  const audit = async () => expect(await ledger.audit()).toMatchObject({ ok: true, problems: [] });

  it('pending, then looked up and paid: settled once, the fee is the operator’s', async () => {
    const s = await open(40);
    expect(await sessions.act(s.close)).toMatchObject({ status: 'closed', refundSats: 40, refundStatus: 'pending' });
    expect(fake.paid).toEqual([expect.objectContaining({ amountMsat: 40_000n })]);
    expect((await ledger.totals()).payouts_pending).toBe(40_000n);
    await audit();

    clock.now += 61;
    expect(await sessions.reconcileRefunds()).toBe(0); // the wallet does not know yet, the invoice is valid: still pending
    fake.w.lookup = async () => s.succeeded(2_000n);
    expect(await sessions.reconcileRefunds()).toBe(1);
    expect(await sessions.reconcileRefunds()).toBe(0);
    expect(await sessions.act(s.close)).toMatchObject({ status: 'closed', refundSats: 40, refundStatus: 'succeeded' });
    expect(fake.paid).toHaveLength(1);
    expect((await ledger.totals()).payouts_pending).toBe(0n);
    await audit();
  });

  it('a success without the return invoice’s preimage is not trusted; a lookup that finds it failed gives the remainder back', async () => {
    const s = await open(25);
    fake.w.pay = async () => ({ status: 'succeeded', paymentHash: s.returnHash, preimage: randomBytes(32).toString('hex'), amountMsat: 25_000n, feeMsat: 0n });
    expect(await sessions.act(s.close)).toMatchObject({ refundStatus: 'pending' });
    clock.now += 61;
    fake.w.lookup = async () => ({ status: 'failed', paymentHash: s.returnHash, reason: 'no route' });
    expect(await sessions.reconcileRefunds()).toBe(1);
    expect(await sessions.act(s.close)).toMatchObject({ refundStatus: 'failed', refundSats: 25 });
    expect(await ledger.balanceOf((await ledger.credentialAccount(s.paymentHash))!)).toBe(25_000n);
    await audit();
  });

  it('a refund the node never got (away at close) stays pending and is paid by the reconcile job once it is back, once', async () => {
    const s = await open(40);
    fake.w.pay = async () => {
      throw new PaymentNotSentError('the node could not be reached');
    };
    expect(await sessions.act(s.close)).toMatchObject({ status: 'closed', refundSats: 40, refundStatus: 'pending' });
    await audit();
    clock.now += 61;
    // back: it has no record of the payment, so the refund is sent now
    fake.w.pay = async () => s.succeeded();
    expect(await sessions.reconcileRefunds()).toBe(1);
    expect(fake.paid).toHaveLength(2);
    expect(await sessions.act(s.close)).toMatchObject({ refundStatus: 'succeeded', refundSats: 40 });
    expect(await sessions.reconcileRefunds()).toBe(0);
    expect(fake.paid).toHaveLength(2);
    await audit();
  });

  it('racing closes and the idle sweep pay the refund once', async () => {
    const s = await open(30);
    fake.w.pay = async () => s.succeeded();
    clock.now += 301;
    const answers = await Promise.all([sessions.act(s.close), sessions.act(s.close), sessions.expireIdle()]);
    expect(fake.paid).toHaveLength(1);
    expect(answers.slice(0, 2).every((a) => typeof a === 'object' && a.status === 'closed' && a.refundSats === 30)).toBe(true);
    expect(await sessions.act(s.close)).toMatchObject({ refundStatus: 'succeeded' });
    await audit();
  });

  it('the idle sweep leaves a session alone while a call (a long stream) still holds money on it', async () => {
    const s = await open(20);
    fake.w.pay = async () => s.succeeded();
    const hold = await ledger.reserveFromSession({ paymentHash: s.paymentHash, amountMsat: 5_000n, purpose: 'POST /stream', expiresAt: NOW + 3600 });
    expect(hold.ok).toBe(true);
    clock.now += 301;
    expect(await sessions.expireIdle()).toBe(0);
    if (hold.ok) await ledger.settle(hold.holdId, 2_000n);
    expect(await sessions.expireIdle()).toBe(1);
    expect(fake.paid).toEqual([expect.objectContaining({ amountMsat: 18_000n })]);
    await audit();
  });

  it('a close while calls run is refunded, their change with it, once the last has ended: at once on this instance, by the reconcile job from another', async () => {
    const s = await open(20);
    fake.w.pay = async () => s.succeeded();
    const first = await ledger.reserveFromSession({ paymentHash: s.paymentHash, amountMsat: 5_000n, purpose: 'POST /stream', expiresAt: NOW + 3600 });
    const second = await ledger.reserveFromSession({ paymentHash: s.paymentHash, amountMsat: 4_000n, purpose: 'POST /stream', expiresAt: NOW + 3600 });
    if (!first.ok || !second.ok) throw new Error('reserved');
    // closed to new calls at once; what it holds outside its calls is said, the refund pending
    expect(await sessions.act(s.close)).toMatchObject({ status: 'closed', refundSats: 11, refundStatus: 'pending' });
    expect(await sessions.act(s.close)).toMatchObject({ status: 'closed', refundSats: 11, refundStatus: 'pending' });
    await expect(sessions.bearer({ ...s.close, session: { action: 'bearer', sessionId: s.paymentHash, preimage: s.close.preimage } })).rejects.toMatchObject({ code: 'invalid_payment' });
    await audit();
    // one call ends here: the other still runs, so nothing is paid yet
    await ledger.settle(first.holdId, 2_000n);
    await sessions.callEnded(s.paymentHash);
    expect(await sessions.reconcileRefunds()).toBe(0);
    expect(fake.paid).toHaveLength(0);
    // the last ends on another instance (no callEnded here): the reconcile job refunds it, change and all, once
    await ledger.release(second.holdId);
    await sessions.reconcileRefunds();
    await sessions.reconcileRefunds();
    await sessions.callEnded(s.paymentHash);
    expect(fake.paid).toEqual([expect.objectContaining({ amountMsat: 18_000n })]);
    expect(await sessions.act(s.close)).toMatchObject({ status: 'closed', refundSats: 18, refundStatus: 'succeeded' });
    await audit();
  });

  /**
   * A call on the session paid through a gate whose bearer check passes, then the owner's close
   * commits before the call takes its hold: what the call was told, and what the close answered.
   */
  async function callOvertakenByClose(s: Awaited<ReturnType<typeof open>>) {
    let said: unknown;
    const racing = { ...sessions, bearer: async (cred: MppCredential) => {
      const id = await sessions.bearer(cred);
      said = await sessions.act(s.close);
      return id;
    } };
    const gate = createPaymentGate({ ledger, wallet: fake.wallet, rootKey, now: () => clock.now, credentialTtlSeconds: 3600, holdSeconds: 600, sessions: racing });
    const bearer: MppCredential = { ...s.close, session: { action: 'bearer', sessionId: s.paymentHash, preimage: s.close.preimage } };
    const action = { api: 'openai', endpoint: 'POST /api/v1/openai/v1/embeddings', priceMsat: 3_000n, description: 'a call', sessions: true };
    const refused = await gate.secure(action, { token: null, l402: null, mpp: bearer }, 'ip').then(
      () => null,
      (err: unknown) => err,
    );
    return { refused, said };
  }

  it('a close landing between a call’s bearer check and its hold: the call is refused, its hold given back, and the refund is at least what the close said', async () => {
    const s = await open(20);
    fake.w.pay = async () => s.succeeded();
    const running = await ledger.reserveFromSession({ paymentHash: s.paymentHash, amountMsat: 5_000n, purpose: 'POST /stream', expiresAt: NOW + 3600 });
    if (!running.ok) throw new Error('reserved');
    const raced = await callOvertakenByClose(s);
    expect(raced.refused).toMatchObject({ code: 'invalid_payment' });
    expect(raced.said).toMatchObject({ status: 'closed', refundSats: 15, refundStatus: 'pending' });
    // the running call ends: everything but what it was charged comes back, nothing held for the refused one
    await ledger.settle(running.holdId, 1_000n);
    await sessions.callEnded(s.paymentHash);
    expect(fake.paid).toEqual([expect.objectContaining({ amountMsat: 19_000n })]);
    await audit();

    // with no call running, the close moved everything out at once: the call finds nothing, and is told the session is closed, not to top it up
    expect((await callOvertakenByClose(await open(10))).refused).toMatchObject({ code: 'invalid_payment' });
    await audit();
  });
});
