// Opens the store the environment names: PostgreSQL with DATABASE_URL, else PGlite in
// the data directory; migrations run before anything else touches it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export type { Db, Queryable, QueryResult } from './db.js';
export { pgErrorCode, readSnapshot } from './db.js';

export interface StoreOptions {
  databaseUrl?: string | undefined;
  /** PGlite directory; null keeps the embedded database in memory (tests) */
  dataDir: string | null;
  /** prepared statements (default true; false behind a transaction-mode pooler); PGlite prepares them in SQL (store/pglite-prepared.ts) */
  preparedStatements?: boolean;
  /** PostgreSQL only: settlements and releases commit without waiting for the WAL flush (default false) */
  asyncSettlements?: boolean;
  /** an operator command's: the store must be one a server made (a missing one is an error, not created empty) */
  existing?: boolean;
}

/** An operator command pointed where no server keeps its store: most likely the wrong ABL_DATA_DIR or DATABASE_URL. */
export class NoStoreError extends Error {
  override name = 'NoStoreError';
}

export async function openStore(opts: StoreOptions): Promise<Db> {
  const pgliteDir = opts.dataDir === null ? null : join(opts.dataDir, 'pglite');
  if (opts.existing && !opts.databaseUrl && pgliteDir !== null && !existsSync(pgliteDir)) {
    throw new NoStoreError(`There is no store in ${pgliteDir}: run this with the server's environment (its ABL_DATA_DIR, or DATABASE_URL for PostgreSQL).`);
  }
  const db = opts.databaseUrl
    ? openPostgres({
        connectionString: opts.databaseUrl,
        ...(opts.preparedStatements === false ? { preparedStatements: false } : {}),
        ...(opts.asyncSettlements ? { asyncSettlements: true } : {}),
      })
    : await openPglite(pgliteDir, opts.preparedStatements === false ? { preparedStatements: false } : {});
  try {
    if (opts.existing && opts.databaseUrl && !(await hasStore(db))) {
      throw new NoStoreError("This PostgreSQL database holds no store (no migrations were ever applied): run this with the server's DATABASE_URL.");
    }
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

async function hasStore(db: Db): Promise<boolean> {
  const res = await db.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  return res.rows[0]?.t != null;
}
