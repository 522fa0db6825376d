// What one paid call cost, from its answer's headers or, for a metered stream, from its usage
// record once it ended; and the words that say it. Pure, so it is tested.
import type { CallUsage } from '../../../contract/api';
import type { ProxyHead } from '../api/proxyResult';
import { formatMsat, formatNumber, formatSats } from './format';

export type TokenCounts = NonNullable<CallUsage['usage']>;

export type Charge =
  /** refused, free, or the answer named no charge */
  | { state: 'none' }
  | { state: 'charged'; sats: number; msats: number | null }
  /** a metered stream: its ceiling is held until its usage record says what it cost */
  | { state: 'held'; maxSats: number };

export interface CallReceipt {
  requestId: string;
  /** the token that paid: only it may read the call's usage record */
  token: string;
  endpointTitle: string;
  model: string | null;
  /** Date.now() when the answer arrived */
  at: number;
  charge: Charge;
  usage: TokenCounts | null;
  balanceSats: number | null;
}

export function chargeOfHead(head: ProxyHead): Charge {
  if (!head.ok) return { state: 'none' };
  if (head.chargedSats !== null) return { state: 'charged', sats: head.chargedSats, msats: head.chargedMsats };
  if (head.maxChargeSats !== null) return { state: 'held', maxSats: head.maxChargeSats };
  return { state: 'none' };
}

export function chargeOfUsage(u: CallUsage): Charge {
  return { state: 'charged', sats: u.charged_sats, msats: u.charged_msat };
}

/** A receipt for a paid answer that names its request; null for anything else (nothing to show later). */
export function receiptOf(head: ProxyHead, call: { token: string | null; endpointTitle: string; model: string | null; at: number }): CallReceipt | null {
  const charge = chargeOfHead(head);
  if (charge.state === 'none' || head.requestId === null || call.token === null) return null;
  return { requestId: head.requestId, token: call.token, endpointTitle: call.endpointTitle, model: call.model, at: call.at, charge, usage: null, balanceSats: head.balanceSats };
}

/** The usage record settled: the actual charge and the tokens replace the ceiling. */
export function withUsage(r: CallReceipt, u: CallUsage): CallReceipt {
  return { ...r, charge: chargeOfUsage(u), usage: u.usage };
}

/** "nothing", "30 sats", "0.417 sats" (exact, as the usage history says it), "up to 13 sats". */
export function chargeText(c: Charge): string {
  switch (c.state) {
    case 'none':
      return 'nothing';
    case 'held':
      return `up to ${formatSats(c.maxSats)}`;
    case 'charged':
      return c.msats !== null ? formatMsat(c.msats) : formatSats(c.sats);
  }
}

/** "12 input · 3 cached input · 5 output tokens"; kinds that are zero left out but input and output. */
export function tokenCountsText(u: TokenCounts): string {
  const parts = [`${formatNumber(u.input_tokens)} input`];
  if (u.cached_input_tokens > 0) parts.push(`${formatNumber(u.cached_input_tokens)} cached input`);
  if (u.cache_write_tokens > 0) parts.push(`${formatNumber(u.cache_write_tokens)} cache-write`);
  parts.push(`${formatNumber(u.output_tokens)} output tokens`);
  return `${parts.join(' · ')}${u.estimated ? ' (estimated: the upstream reported none)' : ''}`;
}

/** Adds a receipt first, or replaces the one with its request id in place; keeps the newest `keep`. */
export function upsertReceipt(list: CallReceipt[], r: CallReceipt, keep: number): CallReceipt[] {
  if (list.some((x) => x.requestId === r.requestId)) return list.map((x) => (x.requestId === r.requestId ? r : x));
  return [r, ...list].slice(0, keep);
}
