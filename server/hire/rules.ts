// The marketplace's settings (config.yaml `hire`), converted once to the units the code uses.
import type { Catalog } from '../../contract/catalog.js';
import { satsToMsat } from '../../contract/money.js';

export interface HireRules {
  postTaskMsat: bigint;
  quoteMsat: bigint;
  maxPriceSats: number;
  maxRevisions: number;
  deliverySeconds: number;
  reviewSeconds: number;
  openTaskTtlSeconds: number;
  /** collect holds amount × ppm / 1e6 + base while it pays; only the real fee is kept */
  feeReservePpm: bigint;
  feeReserveBaseMsat: bigint;
}

export const TITLE_MAX_CHARS = 200;
export const TEXT_MAX_CHARS = 20_000;

export function hireRules(c: Catalog['hire']): HireRules {
  return {
    postTaskMsat: satsToMsat(c.post_task_sats),
    quoteMsat: satsToMsat(c.quote_sats),
    maxPriceSats: c.max_price_sats,
    maxRevisions: c.max_revisions,
    deliverySeconds: c.delivery_deadline_seconds,
    reviewSeconds: c.review_deadline_seconds,
    openTaskTtlSeconds: c.open_task_ttl_seconds,
    feeReservePpm: BigInt(c.collect_fee_reserve_ppm),
    feeReserveBaseMsat: satsToMsat(c.collect_fee_reserve_base_sats),
  };
}

/** The routing-fee reserve held beside a payout of amountMsat (rounded up to the msat). */
export function feeReserveMsat(rules: HireRules, amountMsat: bigint): bigint {
  return (amountMsat * rules.feeReservePpm + 999_999n) / 1_000_000n + rules.feeReserveBaseMsat;
}

/** The largest payout, in whole sats, that a balance can pay with its routing-fee reserve (0 when none). */
export function maxPayoutMsat(rules: HireRules, balanceMsat: bigint): bigint {
  const fits = (amount: bigint) => amount + feeReserveMsat(rules, amount) <= balanceMsat;
  const room = balanceMsat - rules.feeReserveBaseMsat;
  if (room <= 0n) return 0n;
  // the reserve's share solved for, then whole sats stepped to the exact edge (its rounding)
  let sats = (room * 1_000_000n) / (1_000_000n + rules.feeReservePpm) / 1000n;
  while (sats > 0n && !fits(sats * 1000n)) sats--;
  while (fits((sats + 1n) * 1000n)) sats++;
  return sats * 1000n;
}
