// PGlite runs PostgreSQL in single-user mode, without autovacuum: the rows every paid call updates
// (its hold, its account, the kept totals) would keep their old versions, and their indexes every
// entry, for good — statements slowing and files growing with history (measured: a settlement
// ~40 % dearer after 60,000 of them, flat when vacuumed). This vacuums those tables as autovacuum
// would (migration 022 sets the same for PostgreSQL): once the rows the store has written or read
// since the last time pass a threshold that grows with the first table, as autovacuum's
// `threshold + scale_factor × rows` does, so each vacuum's cost stays a small share of the calls'.

export interface VacuumOptions {
  /** the tables vacuumed; the first one's size scales the threshold */
  tables: readonly string[];
  /** rows before the first vacuum, and the fixed part of every threshold after it */
  threshold: number;
  /** the share of the first table's rows added to the threshold */
  scale: number;
}

export const PGLITE_VACUUM: VacuumOptions = { tables: ['holds', 'accounts', 'ledger_totals'], threshold: 10_000, scale: 0.05 };

export interface PgliteVacuum {
  /** counts rows a statement wrote or returned; starts a vacuum once they pass the threshold and none runs */
  counted(rows: number): void;
  /** resolves once no vacuum runs */
  settled(): Promise<void>;
}

/** run: vacuums `tables` and says how many rows the first now has. A failed vacuum is tried again after another threshold. */
export function createPgliteVacuum(opts: VacuumOptions, run: (sql: string) => Promise<number>): PgliteVacuum {
  const sql = `VACUUM ${opts.tables.join(', ')}`;
  let rows = 0;
  let threshold = opts.threshold;
  let running: Promise<void> | null = null;
  return {
    counted(n) {
      rows += n;
      if (running || rows < threshold) return;
      rows = 0;
      running = run(sql)
        .then(
          (size) => void (threshold = opts.threshold + Math.floor(opts.scale * Math.max(0, size))),
          () => {},
        )
        .finally(() => (running = null));
    },
    settled: () => running ?? Promise.resolve(),
  };
}
