// One run per key at a time: asked again while it runs, it runs once more after, however often
// it was asked meanwhile. A run starts a microtask after its first ask, so the asks of one go
// (the events of one chunk of the stream) share it. A burst of live events then costs one fetch,
// or one on its way and one after it, never a fetch each, and the last answer is always the
// newest. No timers (the browser tests freeze the page's clock, and events must still show).

export function oneAtATime<K>(run: (key: K) => Promise<unknown>): (key: K) => void {
  /** keys running, and whether they were asked again meanwhile */
  const running = new Map<K, boolean>();
  /** keys asked for in this go, to start in a microtask */
  const queued = new Set<K>();
  const start = (key: K): void => {
    running.set(key, false);
    void run(key)
      .catch(() => undefined) // the next ask or a refresh catches up
      .finally(() => {
        const again = running.get(key);
        running.delete(key);
        if (again) start(key);
      });
  };
  return (key) => {
    if (running.has(key)) running.set(key, true);
    else if (!queued.has(key)) {
      queued.add(key);
      queueMicrotask(() => {
        queued.delete(key);
        start(key);
      });
    }
  };
}
