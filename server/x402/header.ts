// The x402 v2 wire forms for Lightning's `exact` entry: the PAYMENT-REQUIRED header we send, the
// PAYMENT-SIGNATURE header we read, the PAYMENT-RESPONSE we send, each base64 of JSON.
// Pure; the parser never throws on what a client sends.
import { asObject, decodeBase64Std, decodeBase64Url, parseJson } from '../wire/codec.js';

export const X402_VERSION = 2 as const;
/** Longer PAYMENT-SIGNATURE values are refused before any decoding; ours are about 2,000 characters. */
export const MAX_SIGNATURE_LENGTH = 16384;

/** One `accepts` entry: Lightning `exact`, amount in msat, the invoice in `extra`. */
export interface X402Requirements {
  scheme: 'exact';
  /** CAIP-2, `bip122:<genesis hash prefix>` */
  network: string;
  /** msat, decimal */
  amount: string;
  asset: 'BTC';
  /** informational for Lightning (the invoice names the payee): the scheme's constant for a payee not named */
  payTo: 'anonymous';
  maxTimeoutSeconds: number;
  extra: {
    invoice: string;
    paymentMethod: 'lightning';
    paymentHash: string;
    /** Unix seconds */
    expiresAt: number;
    /** our binding of this entry to its endpoint */
    id: string;
  };
}

export interface X402PaymentRequired {
  x402Version: 2;
  error: string;
  resource: { url: string; description: string; mimeType: string };
  accepts: X402Requirements[];
}

/** What a client sends: the entry it accepted (echoed) and the invoice it paid. */
export interface X402Payment {
  scheme: string;
  network: string;
  invoice: string;
  accepted: { scheme: string; network: string; amount: string; extra: Record<string, unknown> };
}

export interface X402Settlement {
  network: string;
  /** the paid invoice: the Lightning exact scheme's transaction */
  invoice: string;
  paymentHash: string;
  /** Unix seconds */
  settledAt: number;
}

export const formatPaymentRequired = (p: X402PaymentRequired): string => Buffer.from(JSON.stringify(p), 'utf8').toString('base64');

/** The Lightning exact scheme's SettlementResponse: the invoice is the transaction; its payment hash beside it. */
export const formatPaymentResponse = (s: X402Settlement): string =>
  Buffer.from(
    JSON.stringify({ success: true, transaction: s.invoice, network: s.network, payer: 'anonymous', extra: { invoice: s.invoice, paymentHash: s.paymentHash, settledAt: s.settledAt } }),
    'utf8',
  ).toString('base64');

export type PaymentSignatureParse = X402Payment | { error: string } | null;

/** PAYMENT-SIGNATURE: base64 JSON {x402Version: 2, scheme, network, payload: {invoice}, accepted}. */
export function parsePaymentSignature(headerValue: string | string[] | null | undefined): PaymentSignatureParse {
  const raw = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (text.length > MAX_SIGNATURE_LENGTH) return { error: 'PAYMENT-SIGNATURE too long' };
  // standard base64 is the spec's; base64url is tolerated
  const json = decodeBase64Std(text) ?? decodeBase64Url(text);
  const o = asObject(json === null ? null : parseJson(json));
  if (!o) return { error: 'PAYMENT-SIGNATURE must be base64 of a JSON object' };
  if (o.x402Version !== X402_VERSION) return { error: 'only x402Version 2 is supported' };
  const invoice = asObject(o.payload)?.invoice;
  const accepted = asObject(o.accepted);
  const extra = asObject(accepted?.extra);
  if (typeof o.scheme !== 'string' || typeof o.network !== 'string') return { error: 'scheme and network are required' };
  if (typeof invoice !== 'string') return { error: 'payload.invoice is required' };
  if (!accepted || !extra || typeof accepted.scheme !== 'string' || typeof accepted.network !== 'string' || typeof accepted.amount !== 'string') {
    return { error: 'the accepted requirements are missing or incomplete' };
  }
  return { scheme: o.scheme, network: o.network, invoice, accepted: { scheme: accepted.scheme, network: accepted.network, amount: accepted.amount, extra } };
}
