// Per-client request limits kept in the store, so they hold across instances: one upsert per
// limited request (only invoice-creating and free AI for Hire calls are limited).
//
// A sliding window, exact to the second: each key keeps how many requests were admitted in each
// of the last 60 seconds, and a request is admitted while fewer than the budget were admitted in
// the 60 seconds up to now. No 60-second span, wherever it starts, ever admits more than the
// budget (fixed minute windows admitted twice the budget around a minute boundary). Refused
// requests are not counted, so Retry-After is exact: the moment the oldest admitted requests
// leave the window. The decision is made inside the one statement, under the row lock, so
// concurrent requests on any number of instances cannot overshoot.
import { rateLimited } from './errors.js';
import type { Db } from './store/index.js';

export const WINDOW_SECONDS = 60;

export interface RateLimiter {
  /** throws rate_limited (429, Retry-After) while `client` used its budget in the last minute */
  check(bucket: string, client: string): Promise<void>;
  /** counts one more for `client` (while the budget has room): the seconds until it has room again once it is used up, else null */
  record(bucket: string, client: string): Promise<number | null>;
  /** drops keys with nothing admitted in the last minute */
  prune(): Promise<void>;
}

// $1 key, $2 now (whole seconds), $3 budget. The row's counts are shifted by the seconds elapsed
// since its `at` (a clock behind `at`, another instance's, counts as `at`), then the request is
// admitted, and counted in the current second, only if the window holds fewer than the budget.
const CHECK_SQL = `
INSERT INTO rate_windows AS r (key, at, counts, admitted)
VALUES ($1, $2, ARRAY[1] || array_fill(0, ARRAY[${WINDOW_SECONDS - 1}]), true)
ON CONFLICT (key) DO UPDATE SET (at, counts, admitted) = (
  SELECT w.at,
         CASE WHEN w.total < $3 THEN ARRAY[w.counts[1] + 1] || w.counts[2:${WINDOW_SECONDS}] ELSE w.counts END,
         w.total < $3
  FROM (
    SELECT s.at, s.counts, (SELECT coalesce(sum(c), 0) FROM unnest(s.counts) AS c) AS total
    FROM (
      SELECT greatest(r.at, $2::bigint) AS at,
             (array_fill(0, ARRAY[least(greatest($2::bigint - r.at, 0), ${WINDOW_SECONDS})::int]) || r.counts)[1:${WINDOW_SECONDS}] AS counts
    ) s
  ) w
)
RETURNING admitted, at, counts`;

export function createRateLimiter(db: Db, opts: { perMinute: number; now: () => number }): RateLimiter {
  /** admits one if the window has room; null: no budget */
  const admit = async (bucket: string, client: string) => {
    if (opts.perMinute <= 0) return null;
    const now = Math.floor(opts.now());
    const res = await db.query<{ admitted: boolean; at: bigint | number; counts: number[] }>(CHECK_SQL, [`${bucket}:${client}`, now, opts.perMinute]);
    const row = res.rows[0];
    if (!row) return null;
    const retryAfter = () => Number(row.at) - now + secondsUntilBelow(row.counts, opts.perMinute);
    return { admitted: row.admitted, full: !row.admitted || row.counts.reduce((a, b) => a + b, 0) >= opts.perMinute, retryAfter };
  };
  return {
    async check(bucket, client) {
      const r = await admit(bucket, client);
      if (!r || r.admitted) return;
      const retryAfter = r.retryAfter();
      throw rateLimited(`Too many requests: at most ${opts.perMinute} a minute. Retry in ${retryAfter} s.`, retryAfter);
    },
    async record(bucket, client) {
      const r = await admit(bucket, client);
      return r?.full ? r.retryAfter() : null;
    },
    async prune() {
      await db.query(`DELETE FROM rate_windows WHERE at <= $1`, [Math.floor(opts.now()) - WINDOW_SECONDS]);
    },
  };
}

/**
 * Seconds after the window's newest second until fewer than `budget` remain in it:
 * counts[k - 1] (k = 1..60) were admitted k - 1 seconds before it and leave the window 61 - k
 * seconds after it.
 */
export function secondsUntilBelow(counts: readonly number[], budget: number): number {
  let remaining = counts.reduce((a, b) => a + b, 0);
  for (let k = counts.length; k >= 1; k--) {
    remaining -= counts[k - 1]!;
    if (remaining < budget) return WINDOW_SECONDS + 1 - k;
  }
  return WINDOW_SECONDS;
}
