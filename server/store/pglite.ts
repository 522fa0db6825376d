// Embedded PostgreSQL (PGlite, WASM) in a data directory; one connection, so every
// query and transaction is serialised by PGlite itself.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.js';
import { toDriverParams } from './db.js';

const toBigInt = (v: string): bigint | string => (/^-?\d+$/.test(v) ? BigInt(v) : v);

export async function openPglite(dataDir: string | null): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite(dataDir ?? 'memory://', { parsers: { 20: toBigInt, 1700: toBigInt } });
  await db.waitReady;

  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await q.query<R>(sql, toDriverParams(params));
      // affectedRows is 0 for a SELECT; rows cover RETURNING and SELECT alike
      return { rows: res.rows, rowCount: Math.max(res.affectedRows ?? 0, res.rows.length) };
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  });

  const top = wrap(db);
  return {
    kind: 'pglite',
    query: top.query,
    exec: top.exec,
    tx: <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => db.transaction((t) => fn(wrap(t))),
    settlements: top,
    close: () => db.close(),
  };
}
