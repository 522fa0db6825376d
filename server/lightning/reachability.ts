// Whether the wallet's node answers, for /api/v1/health and the start-up summary: while it does
// not, top-ups and 402 challenges answer 503 though the server is up, and a health check should
// say so. Asked with the node's getinfo (any answer, for a wallet that has `ping`): at start, then again when health is read and the last
// answer is older than `freshMs`, or a call to the node failed since (health waits for that check a moment, never longer).
import type { WalletBackend } from './backend.js';

/** A node that answered with 401/403 refuses our credentials: not a node that does not answer, and fixed elsewhere. */
export const refusesCredentials = (failure: string): boolean => /\b(401|403)\b/.test(failure);

export interface WalletReachability {
  /** the last check's answer; null before the first one ended */
  reachable(): boolean | null;
  /** checks now (one check at a time; a check already running is awaited instead) */
  check(): Promise<boolean>;
  /** checks when the last answer is older than freshMs (or a failure was seen since); resolves when it ended, or after waitMs */
  refreshIfStale(waitMs?: number): Promise<void>;
  /** a call to the node failed (a top-up's invoice, a lookup): said at once, and the next refresh asks again */
  sawFailure(err?: unknown): void;
  /** why the last check failed (the node's or the network's words), null while it answers */
  lastFailure(): string | null;
}

export function watchReachability(wallet: Pick<WalletBackend, 'getInfo' | 'ping'>, opts: { now?: () => number; freshMs?: number; timeoutMs?: number; onChange?: (reachable: boolean, err: unknown) => void } = {}): WalletReachability {
  const now = opts.now ?? Date.now;
  const freshMs = opts.freshMs ?? 15_000;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let last: { reachable: boolean; at: number } | null = null;
  let failure: string | null = null;
  let running: Promise<boolean> | null = null;

  const check = (): Promise<boolean> => {
    running ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      let reachable = true;
      let error: unknown = null;
      try {
        await Promise.race([wallet.ping ? wallet.ping() : wallet.getInfo(), timedOut]);
      } catch (err) {
        reachable = false;
        error = err;
      } finally {
        clearTimeout(timer);
      }
      // said when it changes, and at start only when the node does not answer
      if (last === null ? !reachable : last.reachable !== reachable) opts.onChange?.(reachable, error);
      last = { reachable, at: now() };
      failure = reachable ? null : error instanceof Error ? error.message : String(error);
      running = null;
      return reachable;
    })();
    return running;
  };

  return {
    reachable: () => last?.reachable ?? null,
    lastFailure: () => failure,
    check,
    async refreshIfStale(waitMs = 0) {
      // a node not answering is asked again at every read (one check at a time): back, it is seen back at once
      if (!running && (last === null || !last.reachable || now() - last.at >= freshMs)) void check();
      if (!running || waitMs <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]).finally(() => clearTimeout(timer));
    },
    sawFailure(err?: unknown) {
      if (last?.reachable !== false) opts.onChange?.(false, err ?? new Error('a call to the node failed'));
      // stale at once: the next read asks the node again, so a node back already is seen back
      last = { reachable: false, at: -Infinity };
    },
  };
}
