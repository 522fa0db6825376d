// WalletBackend over Nostr Wallet Connect (NIP-47): make_invoice, lookup_invoice, pay_invoice,
// get_info, payment_received notifications (polling with lookup_invoice when the wallet sends
// none or the relay is down), and hold invoices where the wallet service offers them. A pay_invoice without an answer stays pending: lookup_invoice
// settles it later, and it is never sent again while its outcome is not known.
import {
  PaymentNotSentError,
  WalletUnavailableError,
  type CreateInvoiceParams,
  type CreatedInvoice,
  type HoldInvoices,
  type IncomingInvoice,
  type PayInvoiceParams,
  type PaymentOutcome,
  type PaymentReceivedEvent,
  type WalletBackend,
} from '../backend.js';
import { tryDecodeBolt11 } from '../bolt11.js';
import { checkInvoiceParams, payTarget } from '../checks.js';
import { SettledWatcher } from '../notifier.js';
import { NwcClient, NwcNoAnswer, NwcUnreachable, type NwcAnswer } from './client.js';
import { parseNwcUri, type NwcConnection } from './connection.js';
import { toIncomingInvoice, toOutcome } from './mapping.js';
import { DEFINITE_PAY_FAILURES, infoResultSchema, parseAs, payResultSchema, transactionSchema } from './responses.js';

export interface NwcWalletOptions {
  /** the nostr+walletconnect:// URI (or its parsed form) */
  connection: string | NwcConnection;
  /** deadline of every request but payouts, and of connecting; default 10 s */
  requestTimeoutMs?: number;
  /** how long payInvoice waits for pay_invoice's answer before answering `pending`; default 60 s */
  payWaitMs?: number;
  /** pause before notifications are listened for again; default 2 s */
  resubscribeDelayMs?: number;
  /** Unix seconds (tests) */
  now?: () => number;
  log?: { warn(msg: string): void };
}

const HASH = /^[0-9a-f]{64}$/;
const REMEMBERED = 10_000;

export class NwcWallet implements WalletBackend {
  readonly kind = 'nwc';
  private readonly client: NwcClient;
  private readonly now: () => number;
  private readonly watcher: SettledWatcher;
  private readonly timeoutMs: number;
  /** external ids of invoices made here (wallets need not keep metadata) */
  private readonly externalIds = new Map<string, string>();
  /** outcomes learnt here, for wallets whose lookup_invoice does not know failed payments */
  private readonly failed = new Map<string, PaymentOutcome>();
  /** payments sent from here whose outcome is not known yet: never sent again meanwhile */
  private readonly unsettled = new Set<string>();
  /**
   * NIP-47's hold invoices (make_hold_invoice, settle_hold_invoice, cancel_hold_invoice). Offered
   * by some wallet services only: with one whose info event does not list them, each call throws.
   */
  readonly holdInvoices: HoldInvoices = {
    createHoldInvoice: (params) => this.createInvoiceWith('make_hold_invoice', params, params.paymentHash.toLowerCase()),
    settleHoldInvoice: (preimage) => this.resolveHold('settle_hold_invoice', { preimage: hex32(preimage, 'preimage') }),
    cancelHoldInvoice: (paymentHash) => this.resolveHold('cancel_hold_invoice', { payment_hash: hex32(paymentHash, 'payment hash') }),
  };

  constructor(private readonly opts: NwcWalletOptions) {
    const conn = typeof opts.connection === 'string' ? parseNwcUri(opts.connection) : opts.connection;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.client = new NwcClient(conn, { connectTimeoutMs: this.timeoutMs, now: () => Math.floor(Date.now() / 1000) });
    this.watcher = new SettledWatcher({
      subscribe: (signal, found, live) => this.listenForPayments(signal, found, live),
      lookup: (hash) => this.getInvoice(hash),
      retryDelayMs: opts.resubscribeDelayMs ?? 2_000,
      onTrouble: (message) => opts.log?.warn(`Nostr Wallet Connect notifications unavailable (${message}); the invoices created here are polled instead`),
    });
  }

  createInvoice(params: CreateInvoiceParams): Promise<CreatedInvoice> {
    return this.createInvoiceWith('make_invoice', params, null);
  }

  private async createInvoiceWith(method: 'make_invoice' | 'make_hold_invoice', params: CreateInvoiceParams, holdHash: string | null): Promise<CreatedInvoice> {
    if (holdHash !== null) {
      hex32(holdHash, 'payment hash');
      await this.needMethod(method);
    }
    checkInvoiceParams(params);
    const answer = await this.call(method, {
      amount: Number(params.amountMsat),
      ...(holdHash !== null ? { payment_hash: holdHash } : {}),
      description: params.description,
      expiry: params.expirySeconds,
      ...(params.externalId ? { metadata: { external_id: params.externalId } } : {}),
    });
    if (answer.error) throw new WalletUnavailableError(`the wallet refused ${method}: ${answer.error.code}`);
    const made = parseAs(transactionSchema, answer.result);
    const decoded = made?.invoice ? tryDecodeBolt11(made.invoice) : null;
    if (!made?.invoice || !decoded || decoded.paymentHash !== made.payment_hash || decoded.amountMsat !== params.amountMsat || (holdHash !== null && made.payment_hash !== holdHash)) {
      throw new WalletUnavailableError(`the wallet answered ${method} with an invoice that does not match the request`);
    }
    if (params.externalId) this.remember(this.externalIds, made.payment_hash, params.externalId);
    this.watcher.watch(made.payment_hash, params.externalId ?? null, decoded.expiresAt);
    return { paymentHash: made.payment_hash, bolt11: made.invoice, amountMsat: params.amountMsat, expiresAt: decoded.expiresAt };
  }

  async getInvoice(paymentHash: string): Promise<IncomingInvoice | null> {
    const hash = paymentHash.toLowerCase();
    if (!HASH.test(hash)) return null;
    const found = await this.lookup(hash);
    if (!found || found.type === 'outgoing') return null;
    return toIncomingInvoice(found, this.now(), this.externalIds.get(hash) ?? null);
  }

  async payInvoice(params: PayInvoiceParams): Promise<PaymentOutcome> {
    const target = payTarget(params);
    if ('status' in target) return target;
    const { invoice, amountMsat } = target;
    const hash = invoice.paymentHash;
    // an attempt the wallet knows of (or one sent from here, outcome unknown) answers; one we cannot ask about is not sent
    let earlier: PaymentOutcome | null;
    try {
      earlier = await this.getPayment(hash);
    } catch (err) {
      // cannot tell what is under way: do not send (and nothing was)
      throw new PaymentNotSentError(`the wallet could not be asked about this payment: ${(err as Error).message}`);
    }
    if (earlier && earlier.status !== 'failed') return earlier;
    this.failed.delete(hash);
    this.unsettled.add(hash);
    let answer: NwcAnswer;
    try {
      answer = await this.client.request('pay_invoice', { invoice: params.bolt11, ...(invoice.amountMsat === null ? { amount: Number(amountMsat) } : {}) }, this.opts.payWaitMs ?? 60_000);
    } catch (err) {
      if (err instanceof NwcUnreachable) {
        this.unsettled.delete(hash); // never reached the wallet
        throw new PaymentNotSentError(`the wallet could not be reached: ${err.message}`);
      }
      return { status: 'pending', paymentHash: hash };
    }
    if (!answer.error) {
      const paid = parseAs(payResultSchema, answer.result);
      if (paid) {
        this.unsettled.delete(hash);
        return { status: 'succeeded', paymentHash: hash, preimage: paid.preimage, amountMsat, feeMsat: paid.fees_paid ?? 0n };
      }
      return this.afterUnclearAnswer(hash);
    }
    if (DEFINITE_PAY_FAILURES.has(answer.error.code)) {
      this.unsettled.delete(hash);
      const failed: PaymentOutcome = { status: 'failed', paymentHash: hash, reason: `wallet: ${answer.error.code}${answer.error.message ? ` (${answer.error.message.slice(0, 200)})` : ''}` };
      this.remember(this.failed, hash, failed);
      return failed;
    }
    return this.afterUnclearAnswer(hash); // INTERNAL, OTHER, …: money may have moved
  }

  async getPayment(paymentHash: string): Promise<PaymentOutcome | null> {
    const hash = paymentHash.toLowerCase();
    if (!HASH.test(hash)) throw new RangeError(`not a payment hash: ${paymentHash}`);
    const found = await this.lookup(hash);
    if (found && found.type !== 'incoming') {
      const outcome = toOutcome(found);
      if (outcome.status !== 'pending') this.unsettled.delete(hash);
      return outcome;
    }
    if (this.unsettled.has(hash)) return { status: 'pending', paymentHash: hash };
    return this.failed.get(hash) ?? null;
  }

  /** any answer to get_info, a refusal too: some wallets keep their node's details to themselves */
  async ping(): Promise<void> {
    await this.call('get_info', {});
  }

  async getInfo(): Promise<{ nodeId: string }> {
    const answer = await this.call('get_info', {});
    const info = answer.error ? null : parseAs(infoResultSchema, answer.result);
    if (!info?.pubkey) throw new WalletUnavailableError('the wallet answered get_info without a node pubkey');
    return { nodeId: info.pubkey };
  }

  /** NWC sends no webhooks: notices come as payment_received notifications. */
  verifyWebhook(): PaymentReceivedEvent | null {
    return null;
  }

  onPaymentReceived(listener: (event: PaymentReceivedEvent) => void): () => void {
    return this.watcher.listen(listener);
  }

  async close(): Promise<void> {
    await this.watcher.close();
    this.client.close();
  }

  private async resolveHold(method: 'settle_hold_invoice' | 'cancel_hold_invoice', params: Record<string, string>): Promise<void> {
    await this.needMethod(method);
    const answer = await this.call(method, params);
    // the wallet's own refusal (unknown invoice, nothing held yet, already settled): said, not an outage
    if (answer.error) throw new Error(`the wallet refused ${method}: ${answer.error.code}${answer.error.message ? ` (${answer.error.message.slice(0, 200)})` : ''}`);
  }

  private async needMethod(method: string): Promise<void> {
    let methods: string[];
    try {
      methods = (await this.client.info()).methods;
    } catch (err) {
      throw new WalletUnavailableError(`Nostr Wallet Connect: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!methods.includes(method)) throw new WalletUnavailableError(`the wallet service does not offer ${method} (hold invoices)`);
  }

  private async afterUnclearAnswer(hash: string): Promise<PaymentOutcome> {
    const record = await this.getPayment(hash).catch(() => null);
    return record && record.status !== 'failed' ? record : { status: 'pending', paymentHash: hash };
  }

  /** lookup_invoice by hash: the transaction, or null when the wallet does not know it */
  private async lookup(hash: string): Promise<ReturnType<typeof parseAs<typeof transactionSchema>>> {
    const answer = await this.call('lookup_invoice', { payment_hash: hash });
    if (answer.error?.code === 'NOT_FOUND') return null;
    if (answer.error) throw new WalletUnavailableError(`the wallet refused lookup_invoice: ${answer.error.code}`);
    const found = parseAs(transactionSchema, answer.result);
    if (!found || found.payment_hash !== hash) throw new WalletUnavailableError('the wallet answered lookup_invoice with an unexpected body');
    return found;
  }

  private async listenForPayments(signal: AbortSignal, found: (event: PaymentReceivedEvent) => void, live: () => void): Promise<void> {
    const info = await this.client.info().catch((err: unknown) => {
      throw new Error(err instanceof Error ? err.message : String(err));
    });
    if (!info.notifications.includes('payment_received')) {
      // nothing will come: the watcher polls the open invoices between tries
      throw new Error('the wallet service sends no payment_received notifications');
    }
    await this.client.notifications((type, body) => {
      if (type !== 'payment_received') return;
      const t = parseAs(transactionSchema, body);
      if (!t || t.type === 'outgoing' || (t.state !== undefined && t.state !== 'settled')) return;
      found({ paymentHash: t.payment_hash, amountMsat: t.amount, externalId: this.externalIds.get(t.payment_hash) ?? null });
    }, signal, live); // notifications are ephemeral: one sent while the relay was away is gone, so the open invoices are looked up
  }

  private async call(method: string, params: Record<string, unknown>): Promise<NwcAnswer> {
    try {
      return await this.client.request(method, params, this.timeoutMs);
    } catch (err) {
      if (err instanceof NwcUnreachable || err instanceof NwcNoAnswer) throw new WalletUnavailableError(`Nostr Wallet Connect: ${err.message}`);
      throw err;
    }
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.set(key, value);
    if (map.size > REMEMBERED) map.delete(map.keys().next().value as string);
  }
}

function hex32(value: string, what: string): string {
  if (!HASH.test(value.toLowerCase())) throw new RangeError(`not a ${what}: 64 hex characters`);
  return value.toLowerCase();
}
