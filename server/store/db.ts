// One small SQL interface over PostgreSQL (pg) and embedded PGlite. Same SQL, same
// migrations; int8 columns come back as bigint on both.

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** several statements without parameters (migrations) */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs fn in one transaction (READ COMMITTED): committed when fn resolves, rolled back
   * when it throws. Money moves only inside one of these, or inside one statement.
   */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * Where the ledger runs settlements and releases: the same database, on connections whose
   * commits do not wait for the WAL flush when the operator chose so (ABL_PG_ASYNC_SETTLE, see
   * docs/architecture.md "Durability"); otherwise the Db itself.
   */
  readonly settlements: Queryable;
  close(): Promise<void>;
}

/**
 * Runs fn's reads at one moment (a REPEATABLE READ, READ ONLY transaction): figures read by
 * several statements (a balance and the rows that lead to it) agree though money moves meanwhile.
 */
export function readSnapshot<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return db.tx(async (q) => {
    await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return fn(q);
  });
}

/** Postgres error code of a failed statement, if any (23505 unique, 23514 check). */
export function pgErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}

/** bigint parameters travel as decimal text on both drivers (PGlite has no bigint serialiser). */
export function toDriverParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  if (!params) return undefined;
  return params.map((p) =>
    typeof p === 'bigint' ? p.toString() : Array.isArray(p) ? p.map((v) => (typeof v === 'bigint' ? v.toString() : v)) : p,
  );
}
