// The 402 challenge of a paid endpoint, as the contract fixes it: status 402 payment_required, two
// WWW-Authenticate lines (LSAT first, then L402) carrying one macaroon and one invoice, and the same
// invoice, macaroon and price in the body; the invoice is for exactly the catalog price.
import { decodeBolt11 } from '../../server/lightning/bolt11.js';
import { ensureErrorKeyword, ensureStatus } from './expect.js';
import { headerValues, type HttpResponse } from './http.js';
import { ensure } from './report.js';

export interface Challenge {
  macaroon: string;
  invoice: string;
  paymentHash: string;
}

const LINE = /^(LSAT|L402) macaroon="([A-Za-z0-9+/]+={0,2})", invoice="(ln[a-z0-9]+)"$/i;

/** `priceSats` is the exact price, or with `atMost` the most a metered request can cost (its invoice is its ceiling). */
export function ensureChallenge(res: HttpResponse, priceSats: number, strict: boolean, atMost = false): Challenge {
  ensureStatus(res, (s) => s === 402, '402 payment_required');
  ensureErrorKeyword(res, { status: 402, code: 'payment_required', strict });
  // the LSAT and L402 lines, in that order, beside which the MPP `Payment` line may come (first or last)
  const lines = headerValues(res, 'www-authenticate');
  const l402Lines = lines.filter((l) => /^(LSAT|L402)\s/i.test(l));
  const others = lines.filter((l) => !/^(LSAT|L402)\s/i.test(l));
  ensure(l402Lines.length === 2, `expected two WWW-Authenticate lines (LSAT, L402), got ${l402Lines.length}: ${lines.join(' | ')}`);
  ensure(others.every((l) => /^Payment\s/.test(l)), `a WWW-Authenticate line is neither LSAT, L402 nor Payment: ${others.join(' | ')}`);
  const parsed = l402Lines.map((l) => LINE.exec(l));
  ensure(parsed[0]?.[1] === 'LSAT' && parsed[1]?.[1] === 'L402', `expected 'LSAT macaroon="…", invoice="…"' then the same with L402, got: ${lines.join(' | ')}`);
  const [, , macaroon, invoice] = parsed[0];
  ensure(macaroon !== undefined && invoice !== undefined, 'the LSAT line has no macaroon or invoice');
  ensure(parsed[1][2] === macaroon && parsed[1][3] === invoice, 'the LSAT and L402 lines carry different credentials');

  const body = (res.json ?? {}) as Record<string, unknown>;
  ensure(body.invoice === invoice, 'the body invoice differs from the WWW-Authenticate invoice');
  ensure(body.macaroon === macaroon, 'the body macaroon differs from the WWW-Authenticate macaroon');
  const amount = body.amount_sats;
  const priced = atMost ? typeof amount === 'number' && amount >= 1 && amount <= priceSats : amount === priceSats;
  ensure(priced, `body amount_sats is ${String(amount)}, the catalog price is ${atMost ? 'at most ' : ''}${priceSats}`);
  const decoded = decodeBolt11(invoice);
  ensure(decoded.amountMsat === BigInt(amount as number) * 1000n, `the invoice asks ${String(decoded.amountMsat)} msat, the body says ${String(amount)} sats`);
  ensure(body.payment_hash === undefined || body.payment_hash === decoded.paymentHash, 'body payment_hash differs from the invoice');
  return { macaroon, invoice, paymentHash: decoded.paymentHash };
}
