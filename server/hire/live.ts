// Live events for a token: a replay of what it missed (after Last-Event-ID) and a subscription to
// what comes next, both limited to events that concern it (its tasks, quotes, awards and
// payouts) and, when asked, new open tasks whose title matches a filter.
import { AppError } from '../errors.js';
import type { UserAccount } from '../ledger/index.js';
import type { HireDeps } from './deps.js';
import { accountOf } from './accounts.js';
import { concerns, type EventHub } from './event-hub.js';
import { eventsFor, type EventRow } from './events-store.js';

export interface LiveEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

export interface LiveFilter {
  /** the id of the last event the client saw (SSE Last-Event-ID); null: only what comes next */
  afterId: bigint | null;
  /** also announce new open tasks (public) */
  newTasks: boolean;
  /** ...whose title contains this text (case-insensitive) */
  match: string | null;
}

const REPLAY_MAX = 1000;

export const liveEvent = (e: EventRow): LiveEvent => ({ id: String(e.id), event: e.name, data: { ...e.data, created_at: Number(e.created_at) } });

/** How often a child token's open stream checks that the token is still valid (revoked or expired meanwhile). */
export const LIVE_RECHECK_MS = 15_000;

/**
 * Streams the token's events to `send`: first what it missed after `afterId`, then each later
 * one, each once. Subscribes before reading the replay, so nothing committed in between is lost.
 * A child token revoked or expired meanwhile hears nothing more: `ended` is called and the
 * subscription dropped (checked before each event and every `recheckMs`).
 */
export async function openLive(deps: HireDeps, hub: EventHub, token: string, f: LiveFilter, send: (e: LiveEvent) => void, ended: () => void = () => {}, recheckMs = LIVE_RECHECK_MS): Promise<() => void> {
  const account = await accountOf(deps.db, token, deps.now());
  if (!account.child) return streamLive(deps, hub, account, f, send);
  const guard = new ChildTokenGuard(deps, token, send, ended);
  guard.start(await streamLive(deps, hub, account, f, (e) => guard.send(e)), recheckMs);
  return () => guard.stop();
}

async function streamLive(deps: HireDeps, hub: EventHub, account: UserAccount, f: LiveFilter, send: (e: LiveEvent) => void): Promise<() => void> {
  const needle = f.match?.toLowerCase() ?? null;
  const match = needle === null ? undefined : (e: EventRow) => String(e.data.title ?? '').toLowerCase().includes(needle);
  await hub.ready();
  const sent = new Set<bigint>();
  let buffered: EventRow[] | null = [];
  const deliver = (e: EventRow) => {
    if (sent.has(e.id)) return;
    sent.add(e.id);
    send(liveEvent(e));
  };
  const unsubscribe = hub.subscribe({
    accountId: account.id,
    withPublic: f.newTasks,
    ...(match ? { match } : {}),
    // live: the hub hands an event out once; only the replay's ids can come again
    send: (e) => (buffered ? buffered.push(e) : sent.has(e.id) ? undefined : send(liveEvent(e))),
  });
  try {
    if (f.afterId !== null) {
      const missed = await eventsFor(deps.db, { accountId: account.id, afterId: f.afterId, withPublic: f.newTasks, limit: REPLAY_MAX });
      for (const e of missed) if (concerns({ accountId: account.id, withPublic: f.newTasks, ...(match ? { match } : {}) }, e)) deliver(e);
    }
    for (const e of buffered) deliver(e);
    buffered = null;
  } catch (err) {
    unsubscribe();
    throw err;
  }
  return unsubscribe;
}

/** A child token's stream: each event waits for a check that the token is still valid, in order. */
class ChildTokenGuard {
  private chain: Promise<void> = Promise.resolve();
  private gone = false;
  private unsubscribe: () => void = () => {};
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly deps: HireDeps,
    private readonly token: string,
    private readonly deliver: (e: LiveEvent) => void,
    private readonly ended: () => void,
  ) {}

  start(unsubscribe: () => void, recheckMs: number): void {
    this.unsubscribe = unsubscribe;
    if (this.gone) return unsubscribe();
    this.timer = setInterval(() => this.queue(null), recheckMs);
    this.timer.unref();
  }

  send(e: LiveEvent): void {
    this.queue(e);
  }

  stop(): void {
    this.gone = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe();
  }

  private queue(e: LiveEvent | null): void {
    this.chain = this.chain.then(async () => {
      if (this.gone) return;
      if (await this.valid()) {
        if (e) this.deliver(e);
        return;
      }
      this.stop();
      this.ended();
    });
  }

  /** false only when the store says the token is no longer valid; a store that fails keeps the stream */
  private async valid(): Promise<boolean> {
    try {
      await accountOf(this.deps.db, this.token, this.deps.now());
      return true;
    } catch (err) {
      return !(err instanceof AppError && err.code === 'invalid_token');
    }
  }
}
