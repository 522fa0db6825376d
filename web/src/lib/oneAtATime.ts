// One run per key at a time: asked again while it runs, it runs once more after, however often
// it was asked meanwhile. A burst of live events then costs a fetch on its way and one after it,
// not a fetch each, and the last answer is always the newest. No timers (the browser tests freeze
// the page's clock, and events must still show).

export function oneAtATime<K>(run: (key: K) => Promise<unknown>): (key: K) => void {
  /** keys running, and whether they were asked again meanwhile */
  const running = new Map<K, boolean>();
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
    else start(key);
  };
}
