// Live streams' holds renewed by one timer: each live hold at least once every period, none after
// its stream ended, a failed renewal reported and the others renewed still, no timer left when
// nothing runs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HoldRenewals, renewalIntervalMs } from './hold-renewals.js';

describe('hold renewals', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  const stream = () => {
    const renewed = { n: 0 };
    return { renewed, payment: { renew: async () => void renewed.n++ } };
  };

  it('renews every live hold each period with one timer, stops with its stream, and leaves no timer behind', async () => {
    const errors: unknown[] = [];
    const renewals = new HoldRenewals(1_000, (err) => errors.push(err));
    const a = stream();
    const b = stream();
    renewals.start(a.payment);
    await vi.advanceTimersByTimeAsync(400);
    renewals.start(b.payment);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(600); // the first period: both renewed
    expect([a.renewed.n, b.renewed.n]).toEqual([1, 1]);
    renewals.end(a.payment);
    await vi.advanceTimersByTimeAsync(1_000);
    expect([a.renewed.n, b.renewed.n]).toEqual([1, 2]);
    renewals.end(b.payment);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect([a.renewed.n, b.renewed.n]).toEqual([1, 2]);
    expect(errors).toEqual([]);
  });

  it('a renewal that fails is reported and the other holds are renewed still', async () => {
    const errors: unknown[] = [];
    const renewals = new HoldRenewals(1_000, (err) => errors.push(err));
    const failing = { renew: async () => Promise.reject(new Error('database gone')) };
    const ok = stream();
    renewals.start(failing);
    renewals.start(ok.payment);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ok.renewed.n).toBe(1);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('database gone');
    renewals.end(failing);
    renewals.end(ok.payment);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('renews a short-lived hold before it could lapse (a stream paused for a top-up outlives ABL_HOLD_SECONDS=20), a long one every minute', () => {
    expect(renewalIntervalMs(20)).toBeLessThanOrEqual(10_000);
    expect(renewalIntervalMs(20) * 2).toBeLessThan(20_000);
    expect(renewalIntervalMs(900)).toBe(60_000);
    expect(renewalIntervalMs(1)).toBe(1_000);
  });
});
