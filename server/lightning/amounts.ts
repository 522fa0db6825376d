// Conversions at the Lightning edge: phoenixd speaks whole sats, the rest of the code msat.
import { MSAT_PER_SAT } from '../../contract/money.js';

/** Whole sats for an msat amount; throws when the amount is not a whole number of sats. */
export function wholeSats(amountMsat: bigint, what = 'amount'): bigint {
  if (amountMsat % MSAT_PER_SAT !== 0n) {
    throw new RangeError(`${what} must be a whole number of sats, got ${amountMsat} msat`);
  }
  return amountMsat / MSAT_PER_SAT;
}

/** msat for a sat count read from JSON; rejects anything but a non-negative safe integer. */
export function satsFromJson(sats: number): bigint {
  if (!Number.isSafeInteger(sats) || sats < 0) throw new RangeError(`not a sat amount: ${sats}`);
  return BigInt(sats) * MSAT_PER_SAT;
}

/** Unix seconds from the milliseconds phoenixd uses for times. */
export function msToUnixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** The most a payout may spend on routing: `percent` of the amount, but never below `floorMsat`. */
export function feeLimitMsat(amountMsat: bigint, percent = 1, floorMsat = 10_000n): bigint {
  const share = (amountMsat * BigInt(Math.round(percent * 100))) / 10_000n;
  return share > floorMsat ? share : floorMsat;
}
