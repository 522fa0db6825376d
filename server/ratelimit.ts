// Per-client request limits kept in the store, so they hold across instances: one
// upsert per limited request (only invoice-creating and free AI for Hire calls are limited).
import { rateLimited } from './errors.js';
import type { Db } from './store/index.js';

const WINDOW_SECONDS = 60;

export interface RateLimiter {
  /** throws rate_limited (429, Retry-After) once `key` went over its budget this minute */
  check(bucket: string, client: string): Promise<void>;
  /** drops finished windows */
  prune(): Promise<void>;
}

export function createRateLimiter(db: Db, opts: { perMinute: number; now: () => number }): RateLimiter {
  return {
    async check(bucket, client) {
      if (opts.perMinute <= 0) return;
      const now = opts.now();
      const windowStart = now - (now % WINDOW_SECONDS);
      const res = await db.query<{ hits: number }>(
        `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
         RETURNING hits`,
        [`${bucket}:${client}`, windowStart],
      );
      if ((res.rows[0]?.hits ?? 0) > opts.perMinute) {
        const retryAfter = Math.max(1, windowStart + WINDOW_SECONDS - now);
        throw rateLimited(`Too many requests: at most ${opts.perMinute} a minute. Retry in ${retryAfter} s.`, retryAfter);
      }
    },
    async prune() {
      await db.query(`DELETE FROM rate_limits WHERE window_start < $1`, [opts.now() - 2 * WINDOW_SECONDS]);
    },
  };
}
