import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { createRateLimiter, secondsUntilBelow } from './ratelimit.js';
import { openTestStore, STORE_KINDS, type TestStore } from './store/testing.js';

/** undefined when admitted, else the Retry-After seconds of the refusal */
async function attempt(check: Promise<void>): Promise<number | undefined> {
  try {
    await check;
    return undefined;
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'rate_limited') throw err;
    return err.data.retryAfterSeconds;
  }
}

describe.each(STORE_KINDS)('rate limits on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(() => store.close());

  it('allows the budget per client within any minute, then answers rate_limited with Retry-After', async () => {
    let now = 1_000_040; // 20 s into a minute
    const limiter = createRateLimiter(store.db, { perMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) await limiter.check('invoice', '10.0.0.1');
    const err = await limiter.check('invoice', '10.0.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('rate_limited');
    expect((err as AppError).data.retryAfterSeconds).toBe(60); // all three leave the window together
    await limiter.check('invoice', '10.0.0.2'); // another client has its own budget
    await limiter.check('free', '10.0.0.1'); // and another bucket too
    now += 59;
    expect(await attempt(limiter.check('invoice', '10.0.0.1'))).toBe(1);
    now += 1;
    await limiter.check('invoice', '10.0.0.1'); // a minute after the three
  });

  it('gives no extra budget around a minute boundary', async () => {
    // the old fixed windows admitted 2 + 2 of a budget of 3 here (…:58, …:59 | …:00, …:01)
    let now = 1_100_058;
    const limiter = createRateLimiter(store.db, { perMinute: 3, now: () => now });
    const seen: (number | undefined)[] = [];
    for (const t of [1_100_058, 1_100_059, 1_100_060, 1_100_061]) {
      now = t;
      seen.push(await attempt(limiter.check('auth-failure', 'straddle')));
    }
    expect(seen).toEqual([undefined, undefined, undefined, 57]); // …:58 leaves the window at …:58 + 60
    now = 1_100_117;
    expect(await attempt(limiter.check('auth-failure', 'straddle'))).toBe(1);
    now = 1_100_118;
    expect(await attempt(limiter.check('auth-failure', 'straddle'))).toBeUndefined();
    expect(await attempt(limiter.check('auth-failure', 'straddle'))).toBe(1); // …:59 leaves at …:119
  });

  it('never admits more than the budget in any 60 seconds, and Retry-After is exact', async () => {
    // one hit a second for five minutes, budget 10; every refusal's Retry-After is checked by
    // replaying the same history without the refused hits
    let now = 2_000_000;
    const limiter = createRateLimiter(store.db, { perMinute: 10, now: () => now });
    const admitted: number[] = [];
    for (let t = 2_000_000; t < 2_000_300; t += 3) {
      now = t;
      for (let n = 0; n < (t % 7 === 0 ? 4 : 1); n++) {
        const retry = await attempt(limiter.check('invoice', 'steady'));
        const inWindow = admitted.filter((a) => a > t - 60);
        if (retry === undefined) {
          expect(inWindow.length).toBeLessThan(10);
          admitted.push(t);
        } else {
          expect(inWindow.length).toBe(10);
          // the window frees a slot exactly when its oldest admitted request leaves it
          expect(retry).toBe(inWindow[0]! + 60 - t);
        }
      }
    }
    expect(admitted.length).toBeGreaterThan(40);
  });

  it('an instance whose clock is behind counts as of the newest second seen', async () => {
    const limiter = (now: number) => createRateLimiter(store.db, { perMinute: 2, now: () => now });
    await limiter(3_000_030).check('invoice', 'skew');
    await limiter(3_000_029).check('invoice', 'skew');
    expect(await attempt(limiter(3_000_028).check('invoice', 'skew'))).toBe(62); // 2 s behind + 60
    expect(await attempt(limiter(3_000_089).check('invoice', 'skew'))).toBe(1);
    expect(await attempt(limiter(3_000_090).check('invoice', 'skew'))).toBeUndefined();
  });

  it('holds across instances sharing the store, under concurrency', async () => {
    const now = () => 4_000_000;
    const a = createRateLimiter(store.db, { perMinute: 10, now });
    const b = createRateLimiter(store.db, { perMinute: 10, now });
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).check('invoice', 'shared')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
  });

  it('prune drops only keys with nothing left in the window', async () => {
    let now = 5_000_000;
    const limiter = createRateLimiter(store.db, { perMinute: 1, now: () => now });
    await limiter.check('invoice', 'old');
    now += 30;
    await limiter.check('invoice', 'recent');
    now += 30; // 'old' was admitted 60 s ago: out of the window
    await limiter.prune();
    const keys = await store.db.query<{ key: string }>(`SELECT key FROM rate_windows WHERE key LIKE 'invoice:%' ORDER BY key`);
    expect(keys.rows.map((r) => r.key)).toEqual(['invoice:recent']);
    expect(await attempt(limiter.check('invoice', 'recent'))).toBe(30);
    await limiter.check('invoice', 'old');
  });

  it('0 turns limits off', async () => {
    const limiter = createRateLimiter(store.db, { perMinute: 0, now: () => 6_000_000 });
    for (let i = 0; i < 100; i++) await limiter.check('invoice', 'x');
  });
});

describe('secondsUntilBelow', () => {
  it('counts from the oldest second of the window', () => {
    const counts = Array<number>(60).fill(0);
    counts[0] = 1; // now
    counts[59] = 2; // 59 s ago: leaves in 1 s
    expect(secondsUntilBelow(counts, 3)).toBe(1);
    expect(secondsUntilBelow(counts, 1)).toBe(60);
    counts[59] = 0;
    counts[10] = 2; // 10 s ago: leaves in 50 s
    expect(secondsUntilBelow(counts, 3)).toBe(50);
  });
});
