// SettledWatcher on its own: polling while the subscription fails, one notice per invoice, pruning.
import { describe, expect, it } from 'vitest';
import type { IncomingInvoice } from './backend.js';
import { SettledWatcher } from './notifier.js';
import { waitUntil } from './testing.js';

const paid = (hash: string, receivedMsat: bigint): IncomingInvoice => ({ paymentHash: hash, bolt11: '', isPaid: true, isExpired: false, receivedMsat, requestedMsat: receivedMsat, externalId: null, expiresAt: 0, completedAt: 1 });
const H = (n: number): string => n.toString(16).padStart(64, '0');

describe('SettledWatcher', () => {
  it('polls only the unexpired invoices it created while the subscription fails, and tells each once', async () => {
    const looked: string[] = [];
    const troubles: string[] = [];
    const rounds: (() => void)[] = [];
    const watcher = new SettledWatcher({
      subscribe: async (_signal, found) => {
        found({ paymentHash: H(3), amountMsat: 3_000n, externalId: null }); // told by the stream before it breaks
        throw new Error('stream down');
      },
      lookup: async (hash) => {
        looked.push(hash);
        return hash === H(2) || hash === H(3) ? paid(hash, 2_000n) : null;
      },
      onTrouble: (m) => troubles.push(m),
      wait: (_ms, signal) => new Promise<void>((resolve, reject) => {
        rounds.push(resolve);
        signal.addEventListener('abort', () => reject(new Error('closed')));
      }),
    });
    const now = Math.floor(Date.now() / 1000);
    watcher.watch(H(1), 'gone', now - 10); // already expired: pruned by the next watch
    watcher.watch(H(2), 'acct-2', now + 600);
    watcher.watch(H(3), 'acct-3', now + 600);
    const events: unknown[] = [];
    watcher.listen((e) => events.push(e));
    await waitUntil(() => (rounds.length === 1 ? true : null));
    rounds[0]?.(); // a second round: the stream tells H(3) again, the poll has nothing left
    await waitUntil(() => (rounds.length === 2 ? true : null));
    expect(looked).toEqual([H(2)]); // H(1) pruned, H(3) already told by the stream
    expect(events).toEqual([
      { paymentHash: H(3), amountMsat: 3_000n, externalId: 'acct-3' },
      { paymentHash: H(2), amountMsat: 2_000n, externalId: 'acct-2' },
    ]);
    expect(watcher.restarts).toBe(2);
    expect(troubles).toEqual(['stream down', 'stream down']); // it heard the stream each time: each break is news
    await watcher.close();
  });

  it('a subscription that keeps failing is reported once, not at every retry', async () => {
    const troubles: string[] = [];
    const rounds: (() => void)[] = [];
    const watcher = new SettledWatcher({
      subscribe: async () => {
        throw new Error('ECONNREFUSED');
      },
      lookup: async () => null,
      onTrouble: (m) => troubles.push(m),
      wait: (_ms, signal) => new Promise<void>((resolve, reject) => {
        rounds.push(resolve);
        signal.addEventListener('abort', () => reject(new Error('closed')));
      }),
    });
    watcher.listen(() => undefined);
    for (let i = 1; i <= 3; i += 1) {
      await waitUntil(() => (rounds.length === i ? true : null));
      rounds[i - 1]?.();
    }
    await waitUntil(() => (rounds.length === 4 ? true : null));
    expect(troubles).toEqual(['ECONNREFUSED']);
    await watcher.close();
  });

  it('a subscription that replays nothing: an invoice paid while it was down is looked up once it is live again, and told once', async () => {
    const rounds: (() => void)[] = [];
    let nodeUp = false;
    let attempts = 0;
    const looked: string[] = [];
    const watcher = new SettledWatcher({
      subscribe: async (signal, _found, live) => {
        attempts += 1;
        if (attempts === 1) throw new Error('relay gone');
        nodeUp = true; // back just as it subscribes again: the poll before it still failed
        live();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      },
      lookup: async (hash) => {
        if (!nodeUp) throw new Error('unreachable');
        looked.push(hash);
        return paid(hash, 5_000n);
      },
      wait: (_ms, signal) => new Promise<void>((resolve, reject) => {
        rounds.push(resolve);
        signal.addEventListener('abort', () => reject(new Error('closed')));
      }),
    });
    watcher.watch(H(5), 'acct-5', Math.floor(Date.now() / 1000) + 600);
    const events: unknown[] = [];
    watcher.listen((e) => events.push(e));
    await waitUntil(() => (rounds.length === 1 ? true : null));
    rounds[0]?.();
    await waitUntil(() => (events.length === 1 ? true : null));
    expect(events).toEqual([{ paymentHash: H(5), amountMsat: 5_000n, externalId: 'acct-5' }]);
    expect(attempts).toBe(2);
    expect(looked).toEqual([H(5)]);
    await watcher.close();
  });
});
