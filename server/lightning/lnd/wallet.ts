// WalletBackend over LND's REST API: invoices (/v1/invoices, /v1/invoice/{hash}), settled
// notices (/v1/invoices/subscribe, polling while it is down), payouts through the router
// (/v2/router/send) and their outcome later (/v2/router/track/{hash}).
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
import { feeLimitMsat } from '../amounts.js';
import { tryDecodeBolt11 } from '../bolt11.js';
import { checkInvoiceParams, payTarget } from '../checks.js';
import { TransportError, type JsonAnswer, type JsonHttp } from '../json-http.js';
import { SettledWatcher } from '../notifier.js';
import { base64UrlOfHex, lndHttp } from './http.js';
import { isTerminal, paymentToOutcome, toIncomingInvoice } from './mapping.js';
import {
  NOT_FOUND,
  addHoldInvoiceSchema,
  addInvoiceSchema,
  getInfoSchema,
  invoiceSchema,
  parseJsonAs,
  parseTextAs,
  paymentSchema,
  rpcErrorSchema,
  streamLineSchema,
} from './responses.js';

export interface LndWalletOptions {
  /** LND's REST listener, e.g. https://127.0.0.1:8080 */
  url: string;
  /** the macaroon, hex (invoice + offchain read/write permissions) */
  macaroonHex: string;
  /** PEM of LND's tls.cert; unset: the system's CAs */
  tlsCertPem?: string;
  /** deadline of every call but payouts; default 10 s */
  requestTimeoutMs?: number;
  /** LND's own deadline for finding a route (timeout_seconds); default 60 s */
  payTimeoutSeconds?: number;
  /** how long payInvoice waits for a final state before answering `pending`; default timeout + 15 s */
  payWaitMs?: number;
  /** routing fee limit: percent of the amount, at least the floor; default 1 %, 10 sat */
  maxFeePercent?: number;
  minFeeLimitMsat?: bigint;
  /** pause before the invoice subscription is tried again; default 2 s */
  resubscribeDelayMs?: number;
  /** Unix seconds (tests) */
  now?: () => number;
  /** where a failing notice subscription is reported */
  log?: { warn(msg: string): void };
}

const HASH = /^[0-9a-f]{64}$/;
/** LND refusing a second payment of a hash it paid or is paying: the first attempt tells the outcome. */
const ALREADY = /already paid|in transition|in flight|already exists/i;

export class LndWallet implements WalletBackend {
  readonly kind = 'lnd';
  private readonly http: JsonHttp;
  private readonly now: () => number;
  private readonly watcher: SettledWatcher;
  private settleIndex = 0n;
  /** LND's hold invoices (/v2/invoices/hodl, settle, cancel) */
  readonly holdInvoices: HoldInvoices = {
    createHoldInvoice: (params) => this.createHoldInvoice(params),
    settleHoldInvoice: (preimage) => this.resolveHold('v2/invoices/settle', { preimage: base64OfHex(preimage, 'preimage') }),
    cancelHoldInvoice: (paymentHash) => this.resolveHold('v2/invoices/cancel', { payment_hash: base64OfHex(paymentHash, 'payment hash') }),
  };

  constructor(private readonly opts: LndWalletOptions) {
    this.http = lndHttp({ baseUrl: opts.url, macaroonHex: opts.macaroonHex, ...(opts.tlsCertPem ? { tlsCertPem: opts.tlsCertPem } : {}), timeoutMs: opts.requestTimeoutMs ?? 10_000 });
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.watcher = new SettledWatcher({
      subscribe: (signal, found, live) => this.subscribeInvoices(signal, found, live),
      lookup: (hash) => this.getInvoice(hash),
      retryDelayMs: opts.resubscribeDelayMs ?? 2_000,
      onTrouble: (message) => opts.log?.warn(`LND invoice subscription failed (${message}); the invoices created here are polled until it is back`),
    });
  }

  async createInvoice(params: CreateInvoiceParams): Promise<CreatedInvoice> {
    checkInvoiceParams(params);
    const answer = await this.call(() =>
      this.http.post('v1/invoices', { memo: params.description, value_msat: params.amountMsat.toString(), expiry: String(params.expirySeconds) }),
    );
    const added = parseTextAs(addInvoiceSchema, expectOk(answer, 'addinvoice'));
    const decoded = added ? tryDecodeBolt11(added.payment_request) : null;
    if (!added || !decoded || decoded.paymentHash !== added.r_hash || decoded.amountMsat !== params.amountMsat) {
      throw new WalletUnavailableError('LND answered addinvoice with an invoice that does not match the request');
    }
    this.watcher.watch(added.r_hash, params.externalId ?? null, decoded.expiresAt);
    return { paymentHash: added.r_hash, bolt11: added.payment_request, amountMsat: params.amountMsat, expiresAt: decoded.expiresAt };
  }

  private async createHoldInvoice(params: CreateInvoiceParams & { paymentHash: string }): Promise<CreatedInvoice> {
    checkInvoiceParams(params);
    const hash = params.paymentHash.toLowerCase();
    const answer = await this.call(() =>
      this.http.post('v2/invoices/hodl', { memo: params.description, hash: base64OfHex(hash, 'payment hash'), value_msat: params.amountMsat.toString(), expiry: String(params.expirySeconds) }),
    );
    const added = parseTextAs(addHoldInvoiceSchema, expectOk(answer, 'addholdinvoice'));
    const decoded = added ? tryDecodeBolt11(added.payment_request) : null;
    if (!added || !decoded || decoded.paymentHash !== hash || decoded.amountMsat !== params.amountMsat) {
      throw new WalletUnavailableError('LND answered addholdinvoice with an invoice that does not match the request');
    }
    this.watcher.watch(hash, params.externalId ?? null, decoded.expiresAt);
    return { paymentHash: hash, bolt11: added.payment_request, amountMsat: params.amountMsat, expiresAt: decoded.expiresAt };
  }

  private async resolveHold(path: string, body: Record<string, string>): Promise<void> {
    const answer = await this.call(() => this.http.post(path, body));
    if (answer.status === 200) return;
    const error = parseTextAs(rpcErrorSchema, answer.text);
    // LND's own refusal (unknown invoice, nothing held yet, already settled): said, not an outage
    if (error) throw new Error(`LND refused ${path}: ${error.message}`);
    throw new WalletUnavailableError(`LND answered ${path} with HTTP ${answer.status}`);
  }

  async getInvoice(paymentHash: string): Promise<IncomingInvoice | null> {
    const hash = paymentHash.toLowerCase();
    if (!HASH.test(hash)) return null;
    const answer = await this.call(() => this.http.get(`v1/invoice/${hash}`));
    if (rpcCode(answer) === NOT_FOUND) return null;
    const invoice = parseTextAs(invoiceSchema, expectOk(answer, 'lookupinvoice'));
    if (!invoice || invoice.r_hash !== hash) throw new WalletUnavailableError('LND answered lookupinvoice with an unexpected body');
    return toIncomingInvoice(invoice, this.now());
  }

  async payInvoice(params: PayInvoiceParams): Promise<PaymentOutcome> {
    const target = payTarget(params);
    if ('status' in target) return target;
    const { invoice, amountMsat } = target;
    const hash = invoice.paymentHash;
    const timeoutSeconds = this.opts.payTimeoutSeconds ?? 60;
    const body = {
      payment_request: params.bolt11,
      ...(invoice.amountMsat === null ? { amt_msat: amountMsat.toString() } : {}),
      fee_limit_msat: (params.maxFeeMsat ?? feeLimitMsat(amountMsat, this.opts.maxFeePercent, this.opts.minFeeLimitMsat)).toString(),
      timeout_seconds: timeoutSeconds,
      no_inflight_updates: true,
    };
    let final: PaymentOutcome | null = null;
    let refused: string | null = null;
    let answer: JsonAnswer;
    try {
      // LND gives up on routing after timeout_seconds; the margin covers an HTLC already out
      answer = await this.http.stream('POST', 'v2/router/send', body, AbortSignal.timeout(this.opts.payWaitMs ?? (timeoutSeconds + 15) * 1000), (line) => {
        const parsed = parseJsonAs(streamLineSchema, line);
        if (parsed?.kind === 'error') {
          refused = parsed.value.message;
          return true;
        }
        const payment = parsed ? parseJsonAs(paymentSchema, parsed.value) : null;
        if (payment && payment.payment_hash === hash && isTerminal(payment)) {
          final = paymentToOutcome(payment);
          return true;
        }
        return false;
      });
    } catch (err) {
      if (err instanceof TransportError && err.neverSent) throw new PaymentNotSentError(`LND unreachable: ${err.message}`);
      if (err instanceof TransportError) return { status: 'pending', paymentHash: hash }; // maybe under way: never resend
      throw err;
    }
    if (final) return final;
    if (answer.status !== 200) refused = parseTextAs(rpcErrorSchema, answer.text)?.message ?? `HTTP ${answer.status}`;
    // Refused, or the stream ended without a final state: the router's own record decides. Only
    // "never initiated" makes a refusal a failure; LND's "already paid / in flight" is the first attempt.
    return this.afterSend(hash, refused);
  }

  async getPayment(paymentHash: string): Promise<PaymentOutcome | null> {
    const hash = paymentHash.toLowerCase();
    if (!HASH.test(hash)) throw new RangeError(`not a payment hash: ${paymentHash}`);
    let found: PaymentOutcome | null = null;
    let notFound = false;
    let unexpected = false;
    let answer: JsonAnswer;
    try {
      answer = await this.http.stream('GET', `v2/router/track/${base64UrlOfHex(hash)}?no_inflight_updates=false`, undefined, AbortSignal.timeout(this.opts.requestTimeoutMs ?? 10_000), (line) => {
        const parsed = parseJsonAs(streamLineSchema, line);
        if (parsed?.kind === 'error') {
          notFound = parsed.value.code === NOT_FOUND;
          unexpected = !notFound;
          return true;
        }
        const payment = parsed ? parseJsonAs(paymentSchema, parsed.value) : null;
        if (payment && payment.payment_hash === hash) found = paymentToOutcome(payment);
        else unexpected = true;
        return true; // the first line is the payment's state now
      });
    } catch (err) {
      if (err instanceof TransportError) throw new WalletUnavailableError(`LND unreachable: ${err.message}`);
      throw err;
    }
    if (answer.status !== 200) {
      if (rpcCode(answer) === NOT_FOUND) return null;
      throw new WalletUnavailableError(`LND answered trackpayment with HTTP ${answer.status}`);
    }
    if (found) return found;
    if (notFound) return null;
    if (unexpected) throw new WalletUnavailableError('LND answered trackpayment with an unexpected body');
    throw new WalletUnavailableError('LND ended trackpayment without a state');
  }

  async getInfo(): Promise<{ nodeId: string }> {
    const answer = await this.call(() => this.http.get('v1/getinfo'));
    const info = parseTextAs(getInfoSchema, expectOk(answer, 'getinfo'));
    if (!info) throw new WalletUnavailableError('LND answered getinfo with an unexpected body');
    return { nodeId: info.identity_pubkey };
  }

  /** LND sends no webhooks: its notices come from the invoice subscription. */
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

  private async afterSend(hash: string, refused: string | null): Promise<PaymentOutcome> {
    let record: PaymentOutcome | null;
    try {
      record = await this.getPayment(hash);
    } catch {
      return { status: 'pending', paymentHash: hash };
    }
    if (record) return record;
    if (refused !== null && !ALREADY.test(refused)) return { status: 'failed', paymentHash: hash, reason: `LND refused the payment: ${refused}` };
    return { status: 'pending', paymentHash: hash };
  }

  /** One run of /v1/invoices/subscribe, resuming after the last settled invoice seen. */
  private async subscribeInvoices(signal: AbortSignal, found: (event: PaymentReceivedEvent) => void, live: () => void): Promise<void> {
    const path = `v1/invoices/subscribe${this.settleIndex > 0n ? `?settle_index=${this.settleIndex}` : ''}`;
    const answer = await this.http.stream('GET', path, undefined, signal, (line) => {
      const parsed = parseJsonAs(streamLineSchema, line);
      if (parsed?.kind === 'error') throw new Error(`invoice subscription: ${parsed.value.message}`);
      const invoice = parsed ? parseJsonAs(invoiceSchema, parsed.value) : null;
      if (invoice?.state !== 'SETTLED') return false;
      if (invoice.settle_index > this.settleIndex) this.settleIndex = invoice.settle_index;
      found({ paymentHash: invoice.r_hash, amountMsat: invoice.amt_paid_msat, externalId: null });
      return false;
    }, live); // without a settle index yet (none settled since start), LND replays nothing: the open invoices are looked up
    if (answer.status !== 200) throw new Error(`invoice subscription answered HTTP ${answer.status}`);
  }

  private async call(send: () => Promise<JsonAnswer>): Promise<JsonAnswer> {
    try {
      return await send();
    } catch (err) {
      if (err instanceof TransportError) throw new WalletUnavailableError(`LND unreachable: ${err.message}`);
      throw err;
    }
  }
}

function base64OfHex(hex: string, what: string): string {
  if (!HASH.test(hex.toLowerCase())) throw new RangeError(`not a ${what}: 64 hex characters`);
  return Buffer.from(hex, 'hex').toString('base64');
}

function rpcCode(answer: JsonAnswer): number | null {
  return answer.status === 200 ? null : (parseTextAs(rpcErrorSchema, answer.text)?.code ?? null);
}

function expectOk(answer: JsonAnswer, endpoint: string): string {
  if (answer.status === 200) return answer.text;
  throw new WalletUnavailableError(`LND answered ${endpoint} with HTTP ${answer.status}`);
}
