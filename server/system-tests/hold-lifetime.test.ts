// The reservation lifetime and the crash-recovery sweep: a hold outlives the slowest upstream call
// (endpoint overrides included) unless ABL_HOLD_SECONDS says otherwise, and a restarted instance
// sweeps at once instead of a full interval later.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCatalog } from '../catalog.js';
import { readSettings } from '../config.js';
import { startJobs } from '../jobs.js';
import { shippedCatalog } from '../proxy/testing.js';
import { holdLifetimeSeconds, longestUpstreamSeconds } from '../server.js';

describe('hold lifetime', () => {
  it('covers the slowest endpoint of the shipped catalog, not only the API defaults', () => {
    const catalog = shippedCatalog();
    const slowest = Math.max(...catalog.apis.flatMap((a) => a.endpoints.map((e) => e.timeout_seconds ?? a.upstream.timeout_seconds)));
    expect(longestUpstreamSeconds(catalog)).toBe(slowest);
    expect(holdLifetimeSeconds(catalog, undefined)).toBe(slowest + 300);
  });

  it('follows an endpoint override longer than its API timeout', () => {
    const catalog = parseCatalog(`
apis:
  - name: x
    title: X
    upstream: { base_url: 'http://127.0.0.1:9', timeout_seconds: 10, auth: { key_env: NONE } }
    endpoints: [{ method: POST, path: /slow, title: Slow, timeout_seconds: 900, price: { sats: 1 } }]
`);
    expect(holdLifetimeSeconds(catalog, undefined)).toBe(1200);
    expect(holdLifetimeSeconds(catalog, 5)).toBe(5);
  });

  it('reads ABL_HOLD_SECONDS as whole seconds', () => {
    expect(readSettings({ ABL_HOLD_SECONDS: '7' }).ABL_HOLD_SECONDS).toBe(7);
    expect(readSettings({ ABL_HOLD_SECONDS: '' }).ABL_HOLD_SECONDS).toBeUndefined();
    expect(readSettings({}).ABL_HOLD_SECONDS).toBeUndefined();
    expect(() => readSettings({ ABL_HOLD_SECONDS: '0' })).toThrow(/ABL_HOLD_SECONDS/);
    expect(() => readSettings({ ABL_HOLD_SECONDS: '1.5' })).toThrow(/ABL_HOLD_SECONDS/);
  });
});

describe('background jobs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('run a job marked atStart once at once, the others only after their interval', async () => {
    vi.useFakeTimers();
    const runs: string[] = [];
    const stop = startJobs(
      [
        { name: 'sweep', everyMs: 60_000, atStart: true, run: async () => runs.push('sweep') },
        { name: 'poll', everyMs: 60_000, run: async () => runs.push('poll') },
      ],
      { warn: () => {} },
    );
    await vi.advanceTimersByTimeAsync(59_999);
    expect(runs).toEqual(['sweep']);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual(['sweep', 'sweep', 'poll']);
    await stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(3); // stopped
  });
});
