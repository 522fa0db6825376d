// Whether the wallet's node answers: checked once at a time, again only when the last answer is
// stale, said when it changes (and at start only when it does not answer).
import { describe, expect, it } from 'vitest';
import { WalletUnavailableError } from './backend.js';
import { watchReachability } from './reachability.js';

function node() {
  const n = {
    up: true,
    asked: 0,
    hang: false,
    getInfo: async () => {
      n.asked++;
      if (n.hang) return new Promise<never>(() => {});
      if (!n.up) throw new WalletUnavailableError('connect ECONNREFUSED 127.0.0.1:9740');
      return { nodeId: '02'.padEnd(66, 'a') };
    },
  };
  return n;
}

describe('wallet reachability', () => {
  it('is unknown until checked, then follows the node, asking again only when the answer is stale', async () => {
    const n = node();
    const clock = { ms: 1_000_000 };
    const changes: [boolean, string][] = [];
    const r = watchReachability(n, { now: () => clock.ms, freshMs: 15_000, onChange: (ok, err) => changes.push([ok, err instanceof Error ? err.message : ''] as [boolean, string]) });
    expect(r.reachable()).toBeNull();
    expect(await r.check()).toBe(true);
    expect(changes).toEqual([]); // a node answering at start is not news
    n.up = false;
    r.refreshIfStale(); // fresh: not asked again
    expect(n.asked).toBe(1);
    clock.ms += 15_000;
    r.refreshIfStale();
    r.refreshIfStale(); // one check at a time
    expect(n.asked).toBe(2);
    await expect.poll(() => r.reachable()).toBe(false);
    expect(changes).toEqual([[false, 'connect ECONNREFUSED 127.0.0.1:9740']]);
    expect(r.lastFailure()).toBe('connect ECONNREFUSED 127.0.0.1:9740'); // for the start-up summary
    n.up = true;
    expect(await r.check()).toBe(true);
    expect(r.lastFailure()).toBeNull();
    expect(changes.map(([ok]) => ok)).toEqual([false, true]);
  });

  it('a failed call seen by traffic says so at once, and the next read asks again and waits for the answer a moment', async () => {
    const n = node();
    const clock = { ms: 1_000_000 };
    const changes: boolean[] = [];
    const r = watchReachability(n, { now: () => clock.ms, freshMs: 15_000, onChange: (ok) => changes.push(ok) });
    await r.check();
    n.up = false;
    r.sawFailure(new WalletUnavailableError('connect ECONNREFUSED'));
    expect([r.reachable(), changes]).toEqual([false, [false]]);
    // the node is back a moment later: the next read (well within freshMs) asks it, and says so
    n.up = true;
    await r.refreshIfStale(1_000);
    expect([r.reachable(), changes, n.asked]).toEqual([true, [false, true], 2]);
    // down again: a read asks and says so; back within freshMs, the next read asks again (an answer of "down" is never fresh)
    n.up = false;
    r.sawFailure();
    await r.refreshIfStale(1_000);
    expect(r.reachable()).toBe(false);
    n.up = true;
    await r.refreshIfStale(1_000);
    expect([r.reachable(), n.asked]).toEqual([true, 4]);
    // a node that hangs: the read waits no longer than asked, with the last answer
    n.hang = true;
    r.sawFailure();
    let answered = false;
    await r.refreshIfStale(30);
    void r.check().then(() => (answered = true)); // the same check, still waiting for the node
    expect([r.reachable(), answered, n.asked]).toEqual([false, false, 5]);
  });

  it('counts a node that never answers as not answering, after the timeout', async () => {
    const n = node();
    n.hang = true;
    const seen: boolean[] = [];
    const r = watchReachability(n, { timeoutMs: 20, onChange: (ok) => seen.push(ok) });
    const [a, b] = [r.check(), r.check()];
    expect(await a).toBe(false);
    expect(await b).toBe(false);
    expect(n.asked).toBe(1);
    expect(seen).toEqual([false]);
  });
});
