// Group commit: concurrent requests of one kind (settlements, reservations) go to the database
// together, one statement over arrays, so N calls cost one round trip and one commit instead of N.
// A lone request goes at once with its single statement (no added latency); those arriving while a
// batch runs wait for the next one. Every caller's promise resolves after its batch committed.

export interface GroupCommitOptions<R, T> {
  /** requests per statement at most */
  max: number;
  /** requests with one key never share a batch (an UPDATE … FROM applies one source row per target row) */
  key(req: R): unknown;
  /** the single statement: a batch of one, and whatever a batch left to be done alone */
  one(req: R): Promise<T>;
  /** the batch statement: a result per request, in order; undefined where that request must go alone */
  many(reqs: R[]): Promise<(T | undefined)[]>;
}

interface Waiting<R, T> {
  req: R;
  resolve: (result: T) => void;
  reject: (err: unknown) => void;
}

export function createGroupCommit<R, T>(opts: GroupCommitOptions<R, T>): (req: R) => Promise<T> {
  const max = Math.max(1, opts.max);
  let queue: Waiting<R, T>[] = [];
  let flushing = false;

  // The next batch: up to max requests, one per key; the rest wait, in their order.
  const take = (): Waiting<R, T>[] => {
    const batch: Waiting<R, T>[] = [];
    const rest: Waiting<R, T>[] = [];
    const seen = new Set<unknown>();
    for (const w of queue) {
      const key = opts.key(w.req);
      if (batch.length < max && !seen.has(key)) {
        seen.add(key);
        batch.push(w);
      } else rest.push(w);
    }
    queue = rest;
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

  const flush = async (): Promise<void> => {
    try {
      while (queue.length > 0) {
        await runBatch(take());
        // let waiting I/O run first, so its requests join the next batch (PGlite's statements run on this thread)
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      flushing = false;
    }
  };

  return (req) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ req, resolve, reject });
      if (flushing) return;
      flushing = true;
      // requests of the same tick join the first batch; none waits for a timer
      queueMicrotask(() => void flush());
    });
}
