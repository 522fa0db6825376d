// Minting the x402 Lightning `exact` entry for one invoice and checking a payment that answers
// it. Pure: the key and the clock come in. The payload names only the invoice (no preimage):
// whether it is paid is the wallet's to say, in the rail.
import { bindingTag, networkOf, sameTag } from '../wire/binding.js';
import type { X402Payment, X402Requirements } from './header.js';

const HASH_HEX = /^[0-9a-f]{64}$/;
const DIGITS = /^[1-9][0-9]{0,18}$/;

export interface MintX402Input {
  key: Buffer;
  endpoint: string;
  invoice: string;
  paymentHash: string;
  amountMsat: bigint;
  /** Unix seconds */
  expiresAt: number;
  now: number;
}

export function mintX402Requirements(i: MintX402Input): X402Requirements {
  const network = networkOf(i.invoice).caip2;
  const amount = i.amountMsat.toString();
  return {
    scheme: 'exact',
    network,
    amount,
    asset: 'BTC',
    payTo: 'anonymous',
    maxTimeoutSeconds: Math.max(1, i.expiresAt - i.now),
    extra: { invoice: i.invoice, paymentMethod: 'lightning', paymentHash: i.paymentHash, expiresAt: i.expiresAt, id: tag(i.key, network, amount, i.invoice, i.paymentHash, i.expiresAt, i.endpoint) },
  };
}

export type X402Failure = 'unsupported' | 'bad_binding' | 'expired' | 'price';

export type X402Verdict = { ok: true; paymentHash: string; valueMsat: bigint; network: string; expiresAt: number } | { ok: false; reason: X402Failure };

export function verifyX402Payment(v: { key: Buffer; endpoint: string; payment: X402Payment; now: number; priceMsat?: bigint }): X402Verdict {
  const { payment: p } = v;
  const { extra } = p.accepted;
  if (p.scheme !== 'exact' || p.accepted.scheme !== 'exact' || p.network !== p.accepted.network || extra.paymentMethod !== 'lightning') return { ok: false, reason: 'unsupported' };
  const { paymentHash, expiresAt, id } = extra;
  if (p.invoice !== extra.invoice || typeof paymentHash !== 'string' || !HASH_HEX.test(paymentHash) || typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt)) {
    return { ok: false, reason: 'bad_binding' };
  }
  if (typeof id !== 'string' || !DIGITS.test(p.accepted.amount) || !sameTag(tag(v.key, p.network, p.accepted.amount, p.invoice, paymentHash, expiresAt, v.endpoint), id)) {
    return { ok: false, reason: 'bad_binding' };
  }
  if (expiresAt <= v.now) return { ok: false, reason: 'expired' };
  const valueMsat = BigInt(p.accepted.amount);
  if (v.priceMsat !== undefined && valueMsat < v.priceMsat) return { ok: false, reason: 'price' };
  return { ok: true, paymentHash, valueMsat, network: p.network, expiresAt };
}

function tag(key: Buffer, network: string, amount: string, invoice: string, paymentHash: string, expiresAt: number, endpoint: string): string {
  return bindingTag(key, ['x402', network, amount, invoice, paymentHash, String(expiresAt), endpoint]);
}
