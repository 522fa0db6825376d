// Group commit: concurrent requests of one kind (settlements, reservations) go to the database
// together, one statement over arrays, so N calls cost one round trip and one commit instead of N.
// A request finding a free slot goes at once, alone with its single statement (no added latency);
// those arriving while every slot is busy go together in the next batch. Every caller's promise
// resolves after its batch committed. A request nobody waits for may linger a moment for others to
// join it (lingerMs), also after a batch while few wait, so calls one after another share statements too.

/** A batcher's limits: requests per statement (default 64), batches running at once (default 1), how long a request that may linger waits for company (default 0). */
export interface BatchOptions {
  max?: number;
  parallel?: number;
  lingerMs?: number;
  /** this many requests waiting is a backlog: room() makes callers wait until fewer do */
  backlog?: number;
}

export interface GroupCommit<R, T> {
  /** Sends a request to the next batch; `mayLinger`: nobody waits for it, it may wait up to lingerMs for others to join. */
  (req: R, mayLinger?: boolean): Promise<T>;
  /** null while fewer than `backlog` requests wait; else resolves once fewer do */
  room(): Promise<void> | null;
  /** sends requests lingering for company now (someone is waiting for them after all) */
  flush(): void;
}

export interface GroupCommitOptions<R, T> extends BatchOptions {
  /** requests with one key never share a batch, nor run in two at once (an UPDATE … FROM applies one source row per target row) */
  key(req: R): unknown;
  /** the single statement: a batch of one, and whatever a batch left to be done alone */
  one(req: R): Promise<T>;
  /** the batch statement: a result per request, in order; undefined where that request must go alone */
  many(reqs: R[]): Promise<(T | undefined)[]>;
}

interface Waiting<R, T> {
  req: R;
  key: unknown;
  resolve: (result: T) => void;
  reject: (err: unknown) => void;
  /** nobody waits for it yet: it may wait for company until the linger timer */
  lingers: boolean;
}

/** Requests waiting when a batch ends that make the next one go at once, lingering or not. */
const BUSY = 8;

export function createGroupCommit<R, T>(opts: GroupCommitOptions<R, T>): GroupCommit<R, T> {
  const max = Math.max(1, opts.max ?? 64);
  // PGlite: 1, its one connection runs statements one at a time anyway
  const parallel = Math.max(1, opts.parallel ?? 1);
  const lingerMs = Math.max(0, opts.lingerMs ?? 0);
  let queue: Waiting<R, T>[] = [];
  let running = 0;
  // keys in a running batch: a request with one of them waits for a later batch
  const busy = new Set<unknown>();
  let scheduled = false;
  // lingering requests wait for this timer (armed by the first of them, so none waits longer than
  // lingerMs), or for a request that cannot wait, or for a full batch
  let lingering: NodeJS.Timeout | null = null;
  // requests waiting that someone waits for: while there are any, a free slot takes the next batch
  let urgent = 0;
  const backlog = opts.backlog ?? Infinity;
  // callers waiting for the backlog to shrink
  let roomWaiters: (() => void)[] = [];

  // The next batch: up to max requests, one per key, none of a running batch's keys; the rest wait, in their order.
  const take = (): Waiting<R, T>[] => {
    const batch: Waiting<R, T>[] = [];
    const rest: Waiting<R, T>[] = [];
    for (const w of queue) {
      if (batch.length < max && !busy.has(w.key)) {
        busy.add(w.key);
        batch.push(w);
        if (!w.lingers) urgent--;
      } else rest.push(w);
    }
    queue = rest;
    if (roomWaiters.length > 0 && queue.length < backlog) {
      const waiters = roomWaiters;
      roomWaiters = [];
      for (const go of waiters) go();
    }
    return batch;
  };

  const alone = (w: Waiting<R, T>): Promise<void> => opts.one(w.req).then(w.resolve, w.reject);

  const runBatch = async (batch: Waiting<R, T>[]): Promise<void> => {
    if (batch.length === 1) return alone(batch[0]!);
    let results: (T | undefined)[];
    try {
      results = await opts.many(batch.map((w) => w.req));
    } catch {
      // a batch the database refused whole: each request on its own, so one cannot fail the others
      await Promise.all(batch.map(alone));
      return;
    }
    const left: Waiting<R, T>[] = [];
    batch.forEach((w, i) => {
      const r = results[i];
      if (r === undefined) left.push(w);
      else w.resolve(r);
    });
    await Promise.all(left.map(alone));
  };

  const pump = (): void => {
    scheduled = false;
    // only lingering requests, fewer than a batch: they wait for their timer (a batch that just ended does not send them)
    while (running < parallel && queue.length > 0 && (urgent > 0 || queue.length >= max)) {
      const batch = take();
      if (batch.length === 0) break; // every waiting key is in a running batch
      running++;
      void runBatch(batch).finally(() => {
        for (const w of batch) busy.delete(w.key);
        // the slot stays taken until waiting I/O has run, so its requests join the next batch
        // instead of the first of them going alone (PGlite's statements run on this thread)
        setImmediate(() => {
          running--;
          // a busy server: the next batch is large already, and lingering would only hold it back
          if (queue.length >= BUSY) hurry();
          else pump();
        });
      });
    }
    if (lingering && queue.length === urgent) {
      clearTimeout(lingering);
      lingering = null;
    }
  };

  const schedule = (later: (fn: () => void) => unknown): void => {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    later(pump);
  };

  /** The lingering requests wait no longer (their time is up, or someone waits for them): they go with the next free slot. */
  const hurry = (): void => {
    if (lingering) {
      clearTimeout(lingering);
      lingering = null;
    }
    for (const w of queue) {
      if (!w.lingers) continue;
      w.lingers = false;
      urgent++;
    }
    if (running < parallel) schedule(queueMicrotask);
  };

  const send = (req: R, mayLinger = false): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const lingers = mayLinger && lingerMs > 0;
      queue.push({ req, key: opts.key(req), resolve, reject, lingers });
      if (lingers) lingering ??= setTimeout(hurry, lingerMs);
      else urgent++;
      // with every slot busy it joins the batch after the running one, as soon as that ends
      if (running >= parallel || (urgent === 0 && queue.length < max)) return;
      // requests of the same tick join the first batch; one that cannot wait takes the lingering ones along
      schedule(queueMicrotask);
    });
  const room = (): Promise<void> | null => (queue.length < backlog ? null : new Promise<void>((go) => roomWaiters.push(go)));
  return Object.assign(send, { room, flush: hurry });
}
