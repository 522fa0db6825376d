// Money is bigint millisatoshis inside; sats appear only at the edges (config, JSON bodies).
export const MSAT_PER_SAT = 1000n;

export function satsToMsat(sats: number | bigint): bigint {
  return BigInt(sats) * MSAT_PER_SAT;
}

/** Whole sats, rounded down: a balance of 1,999 msat shows as 1 sat. */
export function msatToSats(msat: bigint): number {
  return Number(msat / MSAT_PER_SAT);
}

/** Whole sats, rounded up: what a charge or a price costs (a 1-msat charge is 1 sat, never 0). */
export function msatToSatsUp(msat: bigint): number {
  return Number((msat + MSAT_PER_SAT - 1n) / MSAT_PER_SAT);
}
