// One poller per instance reads new events from the table and hands each to the streams it
// concerns, so events written by any instance (PostgreSQL) or this one (PGlite) reach every
// subscriber. Ids come from a sequence and can commit out of order, so the poll looks back over
// ids seen in the last LOOKBACK_MS and skips the ones it already handed out.
import type { Db } from '../store/index.js';
import { eventsAfter, lastEventId, type EventRow } from './events-store.js';

export interface Subscriber {
  accountId: bigint;
  /** also public events (new open tasks) that pass `match` */
  withPublic: boolean;
  match?: (e: EventRow) => boolean;
  send(e: EventRow): void;
}

export interface EventHub {
  /** every event committed after this resolves reaches the subscribers of then on */
  ready(): Promise<void>;
  subscribe(s: Subscriber): () => void;
  /** poll now (after a local commit: no need to wait for the next tick) */
  nudge(): void;
  close(): void;
}

const LOOKBACK_MS = 10_000;
const BATCH = 500;

export function concerns(s: Pick<Subscriber, 'accountId' | 'withPublic' | 'match'>, e: EventRow): boolean {
  if (e.audience.includes(String(s.accountId))) return true;
  return s.withPublic && e.public && (s.match?.(e) ?? true);
}

export function createEventHub(db: Db, opts: { pollMs: number; nowMs?: () => number; onError?: (err: unknown) => void }): EventHub {
  const nowMs = opts.nowMs ?? Date.now;
  const subs = new Set<Subscriber>();
  const seen = new Map<bigint, number>(); // id → when first handed out
  let watermark: bigint | null = null;
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;
  let again = false;
  let closed = false;
  /** nobody listened since the last poll: the next listener starts from its own time */
  let idle = true;

  async function pollOnce(): Promise<void> {
    if (watermark === null) return;
    for (;;) {
      const rows = await eventsAfter(db, watermark, BATCH);
      for (const e of rows) {
        if (seen.has(e.id)) continue;
        seen.set(e.id, nowMs());
        for (const s of subs) if (concerns(s, e)) s.send(e);
      }
      if (rows.length < BATCH) break;
      watermark = rows.at(-1)!.id; // a full page: what is past it is seen, go on
    }
    const old = nowMs() - LOOKBACK_MS;
    for (const [id, at] of seen) {
      if (at > old) continue;
      seen.delete(id);
      if (id > watermark) watermark = id;
    }
  }

  function poll(): void {
    if (polling) {
      again = true;
      return;
    }
    polling = pollOnce()
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => {
        polling = null;
        if (again && !closed) {
          again = false;
          poll();
        }
      });
  }

  function schedule(): void {
    if (closed || subs.size === 0 || timer) return;
    timer = setTimeout(() => {
      timer = null;
      poll();
      schedule();
    }, opts.pollMs);
    timer.unref();
  }

  return {
    async ready() {
      if (watermark !== null && !idle) return;
      const latest = await lastEventId(db);
      // two listeners arriving at once: the first to get here sets the start, the other keeps it
      if (watermark === null || idle) {
        watermark = latest;
        seen.clear();
        idle = false;
      }
    },
    subscribe(s) {
      subs.add(s);
      idle = false;
      schedule();
      return () => {
        subs.delete(s);
        if (subs.size === 0) idle = true;
      };
    },
    nudge() {
      if (subs.size > 0 && !closed) poll();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      subs.clear();
    },
  };
}
