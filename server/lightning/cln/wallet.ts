// WalletBackend over Core Lightning's clnrest: invoice / listinvoices for invoices, waitanyinvoice
// (resumed from the last pay_index, polling while it fails) for settled notices, pay for payouts
// and listpays for outcomes not known at once.
import { randomUUID } from 'node:crypto';
import {
  PaymentNotSentError,
  WalletUnavailableError,
  type CreateInvoiceParams,
  type CreatedInvoice,
  type IncomingInvoice,
  type PayInvoiceParams,
  type PaymentOutcome,
  type PaymentReceivedEvent,
  type WalletBackend,
} from '../backend.js';
import { feeLimitMsat } from '../amounts.js';
import { tryDecodeBolt11 } from '../bolt11.js';
import { checkInvoiceParams, payTarget } from '../checks.js';
import { TransportError, type JsonAnswer, type JsonHttp } from '../json-http.js';
import { SettledWatcher } from '../notifier.js';
import { clnHttp, isSuccess } from './http.js';
import { bestOf, externalIdOf, labelFor, payToOutcome, toIncomingInvoice } from './mapping.js';
import {
  WAIT_TIMED_OUT,
  createdInvoiceSchema,
  getInfoSchema,
  listInvoicesSchema,
  listPaysSchema,
  parseTextAs,
  paySchema,
  rpcErrorSchema,
} from './responses.js';

export interface ClnWalletOptions {
  /** clnrest's listener, e.g. https://127.0.0.1:3010 */
  url: string;
  /** a rune allowing invoice, listinvoices, waitanyinvoice, pay, listpays, getinfo */
  rune: string;
  /** PEM of clnrest's certificate when self-signed; unset: the system's CAs */
  tlsCertPem?: string;
  /** deadline of every call but pay and waitanyinvoice; default 10 s */
  requestTimeoutMs?: number;
  /** how long pay keeps retrying routes (retry_for); default 60 s */
  payRetryForSeconds?: number;
  /** how long payInvoice waits for pay's answer before `pending`; default retry_for + 15 s */
  payWaitMs?: number;
  /** routing fee limit: percent of the amount, at least the floor; default 1 %, 10 sat */
  maxFeePercent?: number;
  minFeeLimitMsat?: bigint;
  /** one waitanyinvoice's timeout; default 60 s */
  waitSeconds?: number;
  /** pause before the notice subscription is tried again; default 2 s */
  resubscribeDelayMs?: number;
  /** invoices a listinvoices page holds when the latest pay_index is looked for; default 1,000 */
  listPageSize?: number;
  /** Unix seconds (tests) */
  now?: () => number;
  /** where a failing notice subscription is reported */
  log?: { warn(msg: string): void };
}

const HASH = /^[0-9a-f]{64}$/;

export class ClnWallet implements WalletBackend {
  readonly kind = 'cln';
  private readonly http: JsonHttp;
  private readonly now: () => number;
  private readonly watcher: SettledWatcher;
  private lastPayIndex: number | null = null;

  constructor(private readonly opts: ClnWalletOptions) {
    this.http = clnHttp({ baseUrl: opts.url, rune: opts.rune, ...(opts.tlsCertPem ? { tlsCertPem: opts.tlsCertPem } : {}), timeoutMs: opts.requestTimeoutMs ?? 10_000 });
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.watcher = new SettledWatcher({
      subscribe: (signal, found) => this.waitInvoices(signal, found),
      lookup: (hash) => this.getInvoice(hash),
      retryDelayMs: opts.resubscribeDelayMs ?? 2_000,
      onTrouble: (message) => opts.log?.warn(`Core Lightning waitanyinvoice failed (${message}); the invoices created here are polled until it is back`),
    });
  }

  async createInvoice(params: CreateInvoiceParams): Promise<CreatedInvoice> {
    checkInvoiceParams(params);
    const answer = await this.call('invoice', {
      amount_msat: Number(params.amountMsat),
      label: labelFor(randomUUID(), params.externalId),
      description: params.description,
      expiry: params.expirySeconds,
    });
    const created = parseTextAs(createdInvoiceSchema, expectOk(answer, 'invoice'));
    const decoded = created ? tryDecodeBolt11(created.bolt11) : null;
    if (!created || !decoded || decoded.paymentHash !== created.payment_hash || decoded.amountMsat !== params.amountMsat) {
      throw new WalletUnavailableError('Core Lightning answered invoice with an invoice that does not match the request');
    }
    this.watcher.watch(created.payment_hash, params.externalId ?? null, created.expires_at);
    return { paymentHash: created.payment_hash, bolt11: created.bolt11, amountMsat: params.amountMsat, expiresAt: created.expires_at };
  }

  async getInvoice(paymentHash: string): Promise<IncomingInvoice | null> {
    const hash = paymentHash.toLowerCase();
    if (!HASH.test(hash)) return null;
    const answer = await this.call('listinvoices', { payment_hash: hash });
    const list = parseTextAs(listInvoicesSchema, expectOk(answer, 'listinvoices'));
    if (!list) throw new WalletUnavailableError('Core Lightning answered listinvoices with an unexpected body');
    const invoice = list.invoices.find((i) => i.payment_hash === hash);
    return invoice ? toIncomingInvoice(invoice, this.now()) : null;
  }

  async payInvoice(params: PayInvoiceParams): Promise<PaymentOutcome> {
    const target = payTarget(params);
    if ('status' in target) return target;
    const { invoice, amountMsat } = target;
    const hash = invoice.paymentHash;
    // Core Lightning pays a hash once: a second pay of a paid hash answers the first success, and
    // one under way is refused. Still, an attempt we know of is answered without asking again.
    let earlier: PaymentOutcome | null;
    try {
      earlier = await this.getPayment(hash);
    } catch (err) {
      // cannot tell what is under way: do not send (and nothing was)
      throw new PaymentNotSentError(`Core Lightning could not be asked about this payment: ${(err as Error).message}`);
    }
    if (earlier && earlier.status !== 'failed') return earlier;
    const retryFor = this.opts.payRetryForSeconds ?? 60;
    const body = {
      bolt11: params.bolt11,
      ...(invoice.amountMsat === null ? { amount_msat: Number(amountMsat) } : {}),
      maxfee: Number(params.maxFeeMsat ?? feeLimitMsat(amountMsat, this.opts.maxFeePercent, this.opts.minFeeLimitMsat)),
      retry_for: retryFor,
    };
    let answer: JsonAnswer;
    try {
      answer = await this.http.post('v1/pay', body, this.opts.payWaitMs ?? (retryFor + 15) * 1000);
    } catch (err) {
      if (err instanceof TransportError && err.neverSent) throw new PaymentNotSentError(`Core Lightning unreachable: ${err.message}`);
      if (err instanceof TransportError) return { status: 'pending', paymentHash: hash };
      throw err;
    }
    if (isSuccess(answer.status)) {
      const paid = parseTextAs(paySchema, answer.text);
      if (paid && paid.payment_hash === hash) return payToOutcome(paid);
      return this.fromListpays(hash, null);
    }
    const error = parseTextAs(rpcErrorSchema, answer.text);
    // Not an RPC error (a proxy's 502, an auth refusal): whether pay ran is not known from here.
    if (!error || answer.status === 401 || answer.status === 403) return this.fromListpays(hash, null);
    return this.fromListpays(hash, `Core Lightning: ${error.message} (${error.code})`);
  }

  async getPayment(paymentHash: string): Promise<PaymentOutcome | null> {
    const hash = paymentHash.toLowerCase();
    if (!HASH.test(hash)) throw new RangeError(`not a payment hash: ${paymentHash}`);
    const answer = await this.call('listpays', { payment_hash: hash });
    const list = parseTextAs(listPaysSchema, expectOk(answer, 'listpays'));
    if (!list) throw new WalletUnavailableError('Core Lightning answered listpays with an unexpected body');
    const best = bestOf(list.pays.filter((p) => p.payment_hash === hash));
    return best ? payToOutcome(best) : null;
  }

  async getInfo(): Promise<{ nodeId: string }> {
    const answer = await this.call('getinfo', {});
    const info = parseTextAs(getInfoSchema, expectOk(answer, 'getinfo'));
    if (!info) throw new WalletUnavailableError('Core Lightning answered getinfo with an unexpected body');
    return { nodeId: info.id };
  }

  /** clnrest sends no webhooks: notices come from waitanyinvoice. */
  verifyWebhook(): PaymentReceivedEvent | null {
    return null;
  }

  onPaymentReceived(listener: (event: PaymentReceivedEvent) => void): () => void {
    return this.watcher.listen(listener);
  }

  async close(): Promise<void> {
    await this.watcher.close();
    await this.http.close();
  }

  /**
   * After pay answered an error or nothing usable: listpays decides. A record complete or pending
   * is that; failed or none with a definite RPC error is a failure; without one it stays pending.
   */
  private async fromListpays(hash: string, rpcError: string | null): Promise<PaymentOutcome> {
    let record: PaymentOutcome | null;
    try {
      record = await this.getPayment(hash);
    } catch {
      return { status: 'pending', paymentHash: hash };
    }
    if (record && record.status !== 'failed') return record;
    if (rpcError !== null) return { status: 'failed', paymentHash: hash, reason: rpcError };
    return record ?? { status: 'pending', paymentHash: hash };
  }

  /** One run of waitanyinvoice calls, from the last pay_index seen (first: the node's latest). */
  private async waitInvoices(signal: AbortSignal, found: (event: PaymentReceivedEvent) => void): Promise<void> {
    if (this.lastPayIndex === null) this.lastPayIndex = await this.latestPayIndex();
    const waitSeconds = this.opts.waitSeconds ?? 60;
    while (!signal.aborted) {
      const answer = await this.waitOnce(waitSeconds, signal);
      if (!isSuccess(answer.status)) {
        if (parseTextAs(rpcErrorSchema, answer.text)?.code === WAIT_TIMED_OUT) continue;
        throw new Error(`waitanyinvoice answered HTTP ${answer.status}`);
      }
      const paid = parseTextAs(listInvoicesSchema.shape.invoices.element, answer.text);
      if (!paid?.pay_index) throw new Error('waitanyinvoice: unexpected body');
      this.lastPayIndex = Math.max(this.lastPayIndex ?? 0, paid.pay_index);
      if (paid.status === 'paid') found({ paymentHash: paid.payment_hash, amountMsat: paid.amount_received_msat ?? 0n, externalId: externalIdOf(paid.label) });
    }
  }

  /**
   * The node's latest pay_index, from its invoices read in pages by creation (listinvoices'
   * index/start/limit, v23.08+): a node of many invoices answers whole in more than one answer
   * may hold. A node refusing those parameters (older) is read whole.
   */
  private async latestPayIndex(): Promise<number> {
    const limit = this.opts.listPageSize ?? 1000;
    const highest = (invoices: { pay_index?: number | undefined }[], from: number) => invoices.reduce((max, i) => Math.max(max, i.pay_index ?? 0), from);
    let max = 0;
    for (let start = 0; ; ) {
      const paged = await this.call('listinvoices', { index: 'created', start, limit });
      const page = isSuccess(paged.status) ? parseTextAs(listInvoicesSchema, paged.text) : null;
      if (!page) break;
      max = highest(page.invoices, max);
      const last = page.invoices.at(-1)?.created_index;
      if (page.invoices.length < limit || last === undefined) return max;
      start = last + 1;
    }
    const all = parseTextAs(listInvoicesSchema, expectOk(await this.call('listinvoices', {}), 'listinvoices'));
    if (!all) throw new Error('listinvoices: unexpected body');
    return highest(all.invoices, 0);
  }

  private waitOnce(waitSeconds: number, signal: AbortSignal): Promise<JsonAnswer> {
    const deadline = AbortSignal.any([signal, AbortSignal.timeout((waitSeconds + 10) * 1000)]);
    return this.http.postUntil('v1/waitanyinvoice', { lastpay_index: this.lastPayIndex ?? 0, timeout: waitSeconds }, deadline);
  }

  private async call(method: string, params: Record<string, unknown>): Promise<JsonAnswer> {
    try {
      return await this.http.post(`v1/${method}`, params);
    } catch (err) {
      if (err instanceof TransportError) throw new WalletUnavailableError(`Core Lightning unreachable: ${err.message}`);
      throw err;
    }
  }
}

function expectOk(answer: JsonAnswer, method: string): string {
  if (isSuccess(answer.status)) return answer.text;
  throw new WalletUnavailableError(`Core Lightning answered ${method} with HTTP ${answer.status}`);
}
