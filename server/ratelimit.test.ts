import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { createRateLimiter } from './ratelimit.js';
import { openTestStore, STORE_KINDS, type TestStore } from './store/testing.js';

describe.each(STORE_KINDS)('rate limits on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(() => store.close());

  it('allows the budget per client and minute, then answers rate_limited with Retry-After', async () => {
    let now = 1_000_040; // 20 s into a minute
    const limiter = createRateLimiter(store.db, { perMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) await limiter.check('invoice', '10.0.0.1');
    const err = await limiter.check('invoice', '10.0.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('rate_limited');
    expect((err as AppError).data.retryAfterSeconds).toBe(40);
    await limiter.check('invoice', '10.0.0.2'); // another client has its own budget
    await limiter.check('free', '10.0.0.1'); // and another bucket too
    now += 60;
    await limiter.check('invoice', '10.0.0.1'); // a new minute
    await limiter.prune();
  });

  it('holds across instances sharing the store, under concurrency', async () => {
    const now = () => 2_000_000;
    const a = createRateLimiter(store.db, { perMinute: 10, now });
    const b = createRateLimiter(store.db, { perMinute: 10, now });
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).check('invoice', 'shared')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
  });

  it('0 turns limits off', async () => {
    const limiter = createRateLimiter(store.db, { perMinute: 0, now: () => 3_000_000 });
    for (let i = 0; i < 100; i++) await limiter.check('invoice', 'x');
  });
});
