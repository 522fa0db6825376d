// Failed authentications per client address: counted in the shared store (so the budget holds
// across instances), enforced from a small in-memory block list so that a legitimate paid call
// costs no extra round trip. Any instance that records the failure using the budget up (or one
// past it) blocks the address itself until the window has room again.
import { rateLimited } from './errors.js';
import { createRateLimiter } from './ratelimit.js';
import type { Db } from './store/index.js';

export interface AuthFailureGuard {
  /** throws rate_limited while `client` is over its budget of failed authentications */
  assertAllowed(client: string): void;
  /** counts one failed authentication (401) of `client` */
  recordFailure(client: string): Promise<void>;
}

export function createAuthFailureGuard(db: Db, opts: { perMinute: number; now: () => number }): AuthFailureGuard {
  const limiter = createRateLimiter(db, opts);
  const blockedUntil = new Map<string, number>();
  return {
    assertAllowed(client) {
      const until = blockedUntil.get(client);
      if (until === undefined) return;
      const now = opts.now();
      if (now >= until) {
        blockedUntil.delete(client);
        return;
      }
      const retryAfter = until - now;
      throw rateLimited(`Too many failed authentications from this address. Retry in ${retryAfter} s.`, retryAfter);
    },
    async recordFailure(client) {
      // the failure that uses the budget up blocks the address: the next credentialed request is refused
      const blockSeconds = await limiter.record('auth-failure', client);
      if (blockSeconds === null) return;
      blockedUntil.set(client, opts.now() + blockSeconds);
      if (blockedUntil.size > 100_000) blockedUntil.delete(blockedUntil.keys().next().value!); // bounded memory
    },
  };
}
