// Opens the store the environment names: PostgreSQL with DATABASE_URL, else PGlite in
// the data directory; migrations run before anything else touches it.
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
}

export async function openStore(opts: StoreOptions): Promise<Db> {
  const db = opts.databaseUrl
    ? openPostgres({
        connectionString: opts.databaseUrl,
        ...(opts.preparedStatements === false ? { preparedStatements: false } : {}),
        ...(opts.asyncSettlements ? { asyncSettlements: true } : {}),
      })
    : await openPglite(opts.dataDir === null ? null : join(opts.dataDir, 'pglite'), opts.preparedStatements === false ? { preparedStatements: false } : {});
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}
