// WalletBackend over phoenixd's HTTP API (and the development node, which speaks the same API).
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
import { wholeSats } from '../amounts.js';
import { tryDecodeBolt11 } from '../bolt11.js';
import { verifyPhoenixdWebhook } from '../webhook.js';
import { PhoenixdHttp, PhoenixdTransportError, type PhoenixdAnswer } from './http.js';
import { outgoingToOutcome, payAnswerToOutcome, toIncomingInvoice } from './mapping.js';
import {
  generatedInvoiceSchema,
  incomingPaymentSchema,
  nodeInfoSchema,
  outgoingPaymentSchema,
  parseAnswer,
} from './responses.js';

export interface PhoenixdWalletOptions {
  /** e.g. http://127.0.0.1:9740 */
  url: string;
  /** phoenixd's http-password (the full-access one: payinvoice needs it) */
  password: string;
  /** phoenixd's webhook-secret; without it every webhook is refused */
  webhookSecret?: string;
  /** deadline of every call except payinvoice; default 10 s */
  requestTimeoutMs?: number;
  /** deadline of payinvoice, after which its outcome is `pending`; default 120 s */
  payTimeoutMs?: number;
  /** Unix seconds: an invoice's expiry where phoenixd (before 0.6.1) does not say it */
  now?: () => number;
}

export const MAX_DESCRIPTION_LENGTH = 128; // phoenixd's limit, counted in UTF-16 units like JS

const HASH = /^[0-9a-f]{64}$/;
const NOT_FOUND = 'Not found'; // phoenixd's text for an unknown hash; other 404s mean a wrong URL

export class PhoenixdWallet implements WalletBackend {
  readonly kind = 'phoenixd';
  private readonly http: PhoenixdHttp;
  private readonly payTimeoutMs: number;
  private readonly webhookSecret: string | undefined;
  private readonly now: () => number;

  constructor(opts: PhoenixdWalletOptions) {
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.http = new PhoenixdHttp({ baseUrl: opts.url, password: opts.password, timeoutMs: opts.requestTimeoutMs ?? 10_000 });
    this.payTimeoutMs = opts.payTimeoutMs ?? 120_000;
    this.webhookSecret = opts.webhookSecret || undefined;
  }

  async createInvoice(params: CreateInvoiceParams): Promise<CreatedInvoice> {
    if (params.amountMsat <= 0n) throw new RangeError('an invoice amount must be positive');
    const amountSat = wholeSats(params.amountMsat, 'invoice amount');
    if (params.description.length > MAX_DESCRIPTION_LENGTH) {
      throw new RangeError(`invoice description is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
    }
    if (!Number.isSafeInteger(params.expirySeconds) || params.expirySeconds <= 0) {
      throw new RangeError('expirySeconds must be a positive integer');
    }
    const answer = await this.call(() =>
      this.http.postForm('createinvoice', {
        description: params.description,
        amountSat: amountSat.toString(),
        expirySeconds: String(params.expirySeconds),
        externalId: params.externalId,
        webhookUrl: params.webhookUrl,
      }),
    );
    const created = parseAnswer(generatedInvoiceSchema, expectOk(answer, 'createinvoice'));
    const decoded = created ? tryDecodeBolt11(created.serialized) : null;
    // The invoice itself is checked: a wrong hash or amount here would lose or misdirect money.
    if (!created || !decoded || decoded.paymentHash !== created.paymentHash || decoded.amountMsat !== params.amountMsat) {
      throw new WalletUnavailableError('phoenixd answered createinvoice with an invoice that does not match the request');
    }
    return { paymentHash: created.paymentHash, bolt11: created.serialized, amountMsat: params.amountMsat, expiresAt: decoded.expiresAt };
  }

  async getInvoice(paymentHash: string): Promise<IncomingInvoice | null> {
    const hash = paymentHash.toLowerCase();
    if (!HASH.test(hash)) return null; // not a hash at all, so certainly not one of ours
    const answer = await this.call(() => this.http.get(`payments/incoming/${hash}`));
    if (isUnknownHash(answer)) return null;
    const payment = parseAnswer(incomingPaymentSchema, expectOk(answer, 'payments/incoming'));
    const invoice = payment ? toIncomingInvoice(payment, this.now()) : null;
    if (!invoice) throw new WalletUnavailableError('phoenixd answered payments/incoming with an unexpected body');
    return invoice;
  }

  async payInvoice(params: PayInvoiceParams): Promise<PaymentOutcome> {
    const amountSat = params.amountMsat === undefined ? undefined : wholeSats(params.amountMsat, 'payment amount');
    const invoice = tryDecodeBolt11(params.bolt11);
    let answer: PhoenixdAnswer;
    try {
      answer = await this.http.postForm('payinvoice', { invoice: params.bolt11, amountSat: amountSat?.toString() }, this.payTimeoutMs);
    } catch (err) {
      if (err instanceof PhoenixdTransportError && err.neverSent) throw new PaymentNotSentError(`phoenixd unreachable: ${err.message}`);
      if (err instanceof PhoenixdTransportError) return { status: 'pending', paymentHash: invoice?.paymentHash ?? null };
      throw err;
    }
    // the password refused (the limited-access one cannot pay): the request went no further
    if (answer.status === 401 || answer.status === 403) throw new PaymentNotSentError(`phoenixd refused to pay with this password (HTTP ${answer.status}): payinvoice needs the full-access http-password`);
    const outcome = payAnswerToOutcome(answer, invoice, params.amountMsat);
    if (outcome.status === 'succeeded') return this.withExactFee(outcome);
    // a refusal answered 200 is phoenixd's own word on the payment; a 4xx refused the request itself (nothing sent)
    return outcome.status === 'failed' && outcome.paymentHash && answer.status === 200 ? this.unlessPaidBefore(outcome, outcome.paymentHash) : outcome;
  }

  /** phoenixd refuses an invoice it has already paid, or is paying: that refusal is the earlier payment's outcome, not a failure. */
  private async unlessPaidBefore(refused: PaymentOutcome, hash: string): Promise<PaymentOutcome> {
    let earlier: PaymentOutcome | null;
    try {
      earlier = await this.getPayment(hash);
    } catch {
      return { status: 'pending', paymentHash: hash }; // not known which: looked up again later
    }
    return earlier && earlier.status !== 'failed' ? earlier : refused;
  }

  async getPayment(paymentHash: string): Promise<PaymentOutcome | null> {
    const hash = paymentHash.toLowerCase();
    // null would mean "never sent", which callers may act on with money: a bad hash is a bug.
    if (!HASH.test(hash)) throw new RangeError(`not a payment hash: ${paymentHash}`);
    const answer = await this.call(() => this.http.get(`payments/outgoingbyhash/${hash}`));
    if (isUnknownHash(answer)) return null;
    const payment = parseAnswer(outgoingPaymentSchema, expectOk(answer, 'payments/outgoingbyhash'));
    if (!payment) throw new WalletUnavailableError('phoenixd answered payments/outgoingbyhash with an unexpected body');
    return outgoingToOutcome(payment, hash);
  }

  async getInfo(): Promise<{ nodeId: string }> {
    const answer = await this.call(() => this.http.get('getinfo'));
    const info = parseAnswer(nodeInfoSchema, expectOk(answer, 'getinfo'));
    if (!info) throw new WalletUnavailableError('phoenixd answered getinfo with an unexpected body');
    return { nodeId: info.nodeId };
  }

  verifyWebhook(rawBody: Buffer, signatureHeader: string | undefined): PaymentReceivedEvent | null {
    return verifyPhoenixdWebhook(rawBody, signatureHeader, this.webhookSecret);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** phoenixd rounds the fee of payinvoice's answer down to sats; its payment record has msat. */
  private async withExactFee(outcome: PaymentOutcome & { status: 'succeeded' }): Promise<PaymentOutcome> {
    try {
      const answer = await this.http.get(`payments/outgoingbyhash/${outcome.paymentHash}`);
      const record = answer.status === 200 ? parseAnswer(outgoingPaymentSchema, answer.text) : null;
      if (record?.isPaid) return { ...outcome, feeMsat: BigInt(record.fees) };
    } catch {
      // the payment succeeded either way; the rounded fee is the best figure left
    }
    return outcome;
  }

  private async call(send: () => Promise<PhoenixdAnswer>): Promise<PhoenixdAnswer> {
    try {
      return await send();
    } catch (err) {
      if (err instanceof PhoenixdTransportError) throw new WalletUnavailableError(`phoenixd unreachable: ${err.message}`);
      throw err;
    }
  }
}

function isUnknownHash(answer: PhoenixdAnswer): boolean {
  return answer.status === 404 && answer.text.trim() === NOT_FOUND;
}

/** The body of a 200; an auth failure or a server error means the wallet is unusable right now. */
function expectOk(answer: PhoenixdAnswer, endpoint: string): string {
  if (answer.status === 200) return answer.text;
  if (answer.status === 400) throw new Error(`phoenixd rejected ${endpoint}: ${answer.text.slice(0, 200)}`);
  throw new WalletUnavailableError(`phoenixd answered ${endpoint} with HTTP ${answer.status}`);
}
