// Test support for the marketplace: a scriptable wallet that signs real regtest invoices, a
// service on a test store with a clock the test moves, and funded accounts.
import { randomBytes } from 'node:crypto';
import { parseCatalog } from '../../catalog.js';
import { createLedger, createUserAccount, hashToken, newToken, postJournal, type Ledger } from '../../ledger/index.js';
import { PaymentNotSentError, type CreatedInvoice, type PaymentOutcome, type WalletBackend } from '../../lightning/backend.js';
import { tryDecodeBolt11 } from '../../lightning/bolt11.js';
import { issueInvoice } from '../../lightning/devnode/issue-invoice.js';
import { generateNodeKey, nodeIdOf, type Chain } from '../../lightning/devnode/keys.js';
import { createPaymentGate } from '../../payments/gate.js';
import { openTestStore, type TestStore } from '../../store/testing.js';
import { createHireService, hireRules, type HireService } from '../index.js';
import type { HireDeps } from '../deps.js';

export type ScriptedPayment = 'succeed' | 'fail' | 'pending' | 'throw' | 'unreachable';

/** A wallet whose payments go the way the test says; its own invoices are real and signed. */
export class ScriptedWallet implements WalletBackend {
  readonly kind = 'scripted';
  readonly key = generateNodeKey();
  readonly nodeId = nodeIdOf(this.key);
  /** outcomes of the next payInvoice calls, in order; then every payment succeeds */
  readonly script: ScriptedPayment[] = [];
  feeMsat = 0n;
  readonly sent = new Map<string, PaymentOutcome>();
  readonly preimages = new Map<string, string>();
  payCalls = 0;
  /** the fee cap the last payInvoice was given */
  lastMaxFeeMsat: bigint | undefined;
  /** payInvoice waits for this before answering (to hold payments in flight) */
  gate: Promise<void> = Promise.resolve();

  constructor(private readonly now: () => number) {}

  async createInvoice(p: { amountMsat: bigint; description: string; expirySeconds: number }): Promise<CreatedInvoice> {
    const inv = issueInvoice({ privateKey: this.key, chain: 'regtest', amountMsat: p.amountMsat, description: { text: p.description }, expirySeconds: p.expirySeconds, nowMs: this.now() * 1000 });
    this.preimages.set(inv.paymentHash, inv.preimage);
    return { paymentHash: inv.paymentHash, bolt11: inv.bolt11, amountMsat: p.amountMsat, expiresAt: this.now() + p.expirySeconds };
  }

  async getInvoice() {
    return null;
  }

  async payInvoice(p: { bolt11: string; maxFeeMsat?: bigint }): Promise<PaymentOutcome> {
    this.payCalls++;
    this.lastMaxFeeMsat = p.maxFeeMsat;
    await this.gate;
    const hash = tryDecodeBolt11(p.bolt11)!.paymentHash;
    const step = this.script.shift() ?? 'succeed';
    if (step === 'throw') throw new Error('the wallet connection broke mid-payment');
    if (step === 'unreachable') throw new PaymentNotSentError('the node could not be reached');
    const preimage = foreignPreimages.get(hash) ?? '00'.repeat(32);
    const done: PaymentOutcome = { status: 'succeeded', paymentHash: hash, preimage, amountMsat: 0n, feeMsat: this.feeMsat };
    if (step === 'pending') {
      this.sent.set(hash, { status: 'pending', paymentHash: hash });
      return { status: 'pending', paymentHash: hash };
    }
    const outcome: PaymentOutcome = step === 'fail' ? { status: 'failed', paymentHash: hash, reason: 'no route' } : done;
    this.sent.set(hash, outcome);
    return outcome;
  }

  /** What a later lookup of a stalled payment finds. */
  finish(paymentHash: string, how: 'succeed' | 'fail'): void {
    const preimage = foreignPreimages.get(paymentHash)!;
    this.sent.set(
      paymentHash,
      how === 'succeed' ? { status: 'succeeded', paymentHash, preimage, amountMsat: 0n, feeMsat: this.feeMsat } : { status: 'failed', paymentHash, reason: 'timed out' },
    );
  }

  async getPayment(paymentHash: string): Promise<PaymentOutcome | null> {
    return this.sent.get(paymentHash) ?? null;
  }

  async getInfo() {
    return { nodeId: this.nodeId };
  }

  verifyWebhook() {
    return null;
  }
}

const foreignKey = generateNodeKey();
const foreignPreimages = new Map<string, string>();

/** An invoice of some other node, as a contractor's own wallet would make it. */
export function foreignInvoice(amountMsat: bigint | null, opts: { now: number; expirySeconds?: number; chain?: Chain; key?: string }): { bolt11: string; paymentHash: string } {
  const inv = issueInvoice({
    privateKey: opts.key ?? foreignKey,
    chain: opts.chain ?? 'regtest',
    amountMsat,
    description: { text: 'collect' },
    expirySeconds: opts.expirySeconds ?? 3600,
    nowMs: opts.now * 1000,
  });
  foreignPreimages.set(inv.paymentHash, inv.preimage);
  return inv;
}

export interface HireTest {
  store: TestStore;
  ledger: Ledger;
  hire: HireService;
  /** the scripted wallet; idle when opts.wallet replaced it */
  wallet: ScriptedWallet;
  clock: { now: number };
  /** webhook POSTs the service made, and the answers the next ones get (a status or 'throw'; then 200) */
  webhooks: { sent: { url: string; body: string; headers: Record<string, string> }[]; script: (number | 'throw')[] };
  /** a token whose account holds `sats` (a deposit from `lightning`) */
  fund(sats: number): Promise<string>;
  /** L402 credentials for a 402 challenge's invoice, as a paying client would hold them */
  credentialFor(challenge: { macaroon: string; payment_hash: string }): { scheme: 'L402'; macaroon: Buffer; preimage: Buffer };
  close(): Promise<void>;
}

const CATALOG = parseCatalog(`
hire: { max_revisions: 2, delivery_deadline_seconds: 1000, review_deadline_seconds: 500, open_task_ttl_seconds: 5000 }
apis:
  - name: x
    title: X
    upstream: { base_url: 'http://127.0.0.1:9', auth: { key_env: NONE } }
    endpoints: [{ method: POST, path: /y, title: Y, price: { sats: 1 } }]
`);

export async function openHireTest(kind: 'pglite' | 'postgres', opts: { wallet?: WalletBackend; realClock?: boolean; observe?: Pick<HireDeps, 'log' | 'onWalletError'> } = {}): Promise<HireTest> {
  const store = await openTestStore(kind);
  const ledger = await createLedger(store.db);
  const clock = { now: opts.realClock ? Math.floor(Date.now() / 1000) : 1_800_000_000 };
  const now = () => clock.now;
  const scripted = new ScriptedWallet(now);
  const wallet = opts.wallet ?? scripted;
  const rootKey = randomBytes(32);
  const gate = createPaymentGate({ ledger, wallet, rootKey, now, credentialTtlSeconds: 3600, holdSeconds: 600 });
  const webhooks: HireTest['webhooks'] = { sent: [], script: [] };
  const webhookSender = async (url: string, body: string, headers: Record<string, string>) => {
    webhooks.sent.push({ url, body, headers });
    const step = webhooks.script.shift() ?? 200;
    if (step === 'throw') throw new Error('connection refused');
    return step;
  };
  // a child token's live stream looks again every 50 ms, so a test sees one revoked in silence end soon
  const hire = createHireService({ db: store.db, ledger, wallet, gate, rules: hireRules(CATALOG.hire), now, ...opts.observe }, { webhookSender, liveRecheckMs: 50 });
  return {
    store,
    ledger,
    hire,
    wallet: scripted,
    clock,
    webhooks,
    async fund(sats) {
      const token = newToken();
      await store.db.tx(async (q) => {
        const account = await createUserAccount(q, hashToken(token));
        if (sats > 0) {
          const msat = BigInt(sats) * 1000n;
          await postJournal(q, { kind: 'deposit', ref: token.slice(-8), lines: [{ accountId: ledger.sys.lightning, amountMsat: -msat }, { accountId: account.id, amountMsat: msat }] });
        }
      });
      return token;
    },
    credentialFor(challenge) {
      return { scheme: 'L402', macaroon: Buffer.from(challenge.macaroon, 'base64'), preimage: Buffer.from(scripted.preimages.get(challenge.payment_hash)!, 'hex') };
    },
    close: () => store.close(),
  };
}
