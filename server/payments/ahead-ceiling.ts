// The amount of a metered call's hold reserved ahead (payments/reserve-ahead.ts): a step shared by calls of similar size.
/**
 * A metered call's hold from those reserved ahead: its ceiling rounded up to a step of a series
 * of four per doubling (about a fifth more at most, whole sats), so calls of similar size share holds; the
 * call is charged what it used, never above its own ceiling, and the rest goes back.
 */
export function aheadCeilingMsat(ceilingMsat: bigint): bigint {
  const sats = Number((ceilingMsat + 999n) / 1000n);
  if (sats <= 1) return 1000n;
  let step = Math.ceil(4 * Math.log2(sats));
  while (Math.ceil(2 ** ((step - 1) / 4)) >= sats) step--;
  while (Math.ceil(2 ** (step / 4)) < sats) step++;
  return BigInt(Math.ceil(2 ** (step / 4))) * 1000n;
}
