// The contract's metered charge and the ceiling reserved before a call, in exact bigint msat:
//   charge_msat = call_sats*1000 + ceil( sum over kinds of tokens * sats_per_mtok / 1000 )
// With rates in msat per Gtok (price.ts) the inner sum is an integer and one ceil division ends it.
import { exactRates, isTokenUsage, TOKENS_PER_GTOK, type MeteredPrice, type TokenUsage } from './price.js';

const MSAT_PER_SAT = 1000n;

/** ceil(a / b) for a >= 0, b > 0. */
const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

function count(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be an integer >= 0, got ${n}`);
  return BigInt(n);
}

/** What a call that used `usage` costs, in msat (the contract's formula, exactly). */
export function chargeMsat(price: MeteredPrice, usage: TokenUsage): bigint {
  if (!isTokenUsage(usage)) throw new RangeError(`token counts must be integers >= 0: ${JSON.stringify(usage)}`);
  const r = exactRates(price);
  // every kind's product summed before the single ceil, as the contract says
  const scaled =
    BigInt(usage.input) * r.inputMsatPerGtok +
    BigInt(usage.cachedInput) * r.cachedInputMsatPerGtok +
    BigInt(usage.cacheWrite) * r.cacheWriteMsatPerGtok +
    BigInt(usage.output) * r.outputMsatPerGtok;
  return r.callMsat + ceilDiv(scaled, TOKENS_PER_GTOK);
}

/**
 * The most a call can cost, reserved before forwarding: the call fee, `inputTokensBound` input
 * tokens at the dearest input kind (a cached or cache-write token may cost more than plain input),
 * `outputLimit` at the output price, rounded up to whole sats. For any usage whose input kinds sum
 * to at most the bound and whose output is at most the limit, chargeMsat(usage) <= this.
 */
export function ceilingMsat(price: MeteredPrice, inputTokensBound: number, outputLimit: number): bigint {
  const r = exactRates(price);
  const dearestInput = [r.inputMsatPerGtok, r.cachedInputMsatPerGtok, r.cacheWriteMsatPerGtok].reduce((a, b) => (b > a ? b : a));
  const scaled = count(inputTokensBound, 'inputTokensBound') * dearestInput + count(outputLimit, 'outputLimit') * r.outputMsatPerGtok;
  // callMsat is whole sats already, so rounding the token part up to whole sats rounds the total
  return r.callMsat + ceilDiv(scaled, TOKENS_PER_GTOK * MSAT_PER_SAT) * MSAT_PER_SAT;
}

/**
 * The most `inputTokensBound` input tokens can cost (and the call fee), in exact msat, not rounded
 * to whole sats: what a stream paid event by event must hold to start (a session's part of a sat counts).
 */
export function inputCostBoundMsat(price: MeteredPrice, inputTokensBound: number): bigint {
  const r = exactRates(price);
  const dearestInput = [r.inputMsatPerGtok, r.cachedInputMsatPerGtok, r.cacheWriteMsatPerGtok].reduce((a, b) => (b > a ? b : a));
  return r.callMsat + ceilDiv(count(inputTokensBound, 'inputTokensBound') * dearestInput, TOKENS_PER_GTOK);
}

/** The charge to take: the formula's, but never above the reserved ceiling. */
export interface CappedCharge {
  chargeMsat: bigint;
  /** the usage cost more than the ceiling (the input bound or output limit was exceeded): log it */
  capped: boolean;
}

/** The actual charge of a call that reserved `ceiling`: never more than the ceiling, as the contract promises. */
export function chargeAtMostCeiling(price: MeteredPrice, usage: TokenUsage, ceiling: bigint): CappedCharge {
  const charge = chargeMsat(price, usage);
  return charge > ceiling ? { chargeMsat: ceiling, capped: true } : { chargeMsat: charge, capped: false };
}
