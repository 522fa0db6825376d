// Latency and throughput arithmetic for the benchmark: quantiles, and milliseconds from hrtime.

/** The q-quantile (0..1) of the samples, nearest-rank; NaN when there are none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatencySummary {
  count: number;
  medianMs: number;
  p99Ms: number;
}

export function summarise(samplesMs: readonly number[]): LatencySummary {
  return { count: samplesMs.length, medianMs: quantile(samplesMs, 0.5), p99Ms: quantile(samplesMs, 0.99) };
}

/** Milliseconds since `start` (a process.hrtime.bigint() reading). */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export const fmt = (n: number | null | undefined, digits = 2): string =>
  n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);

export const fmtInt = (n: number | null | undefined): string =>
  n === null || n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US');
