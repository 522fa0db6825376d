// Background work every instance runs: each pass is idempotent, so many instances may run
// it at once. A failing pass is logged and retried on the next tick, never fatal.
export interface Job {
  name: string;
  everyMs: number;
  /** also run one pass right away (crash recovery: a restarted instance cleans up at once) */
  atStart?: boolean;
  run(): Promise<unknown>;
}

export function startJobs(jobs: Job[], log: { warn(obj: object, msg: string): void }): () => Promise<void> {
  const running = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const p = job
        .run()
        .catch((err: unknown) => log.warn({ job: job.name, err: (err as Error)?.message }, 'background job failed'))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    const t = setInterval(tick, job.everyMs);
    t.unref();
    if (job.atStart) tick();
    return t;
  });
  return async () => {
    timers.forEach(clearInterval);
    await Promise.allSettled([...running]);
  };
}
