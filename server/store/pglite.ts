// Embedded PostgreSQL (PGlite, WASM) in a data directory; one connection, so every
// query and transaction is serialised by PGlite itself.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.js';
import { pgErrorCode, toDriverParams } from './db.js';
import { createPglitePrepared } from './pglite-prepared.js';

const toBigInt = (v: string): bigint | string => (/^-?\d+$/.test(v) ? BigInt(v) : v);

export async function openPglite(dataDir: string | null, opts: { preparedStatements?: boolean } = {}): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite(dataDir ?? 'memory://', { parsers: { 20: toBigInt, 1700: toBigInt } });
  await db.waitReady;
  const conforming = (await db.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings')).rows[0]?.standard_conforming_strings === 'on';
  // literals are written for standard-conforming strings only (a backslash is then just a backslash)
  const prepared = opts.preparedStatements !== false && conforming ? createPglitePrepared() : null;

  const wrap = (q: Pick<PGlite, 'query' | 'exec'>, inTx: boolean): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const values = toDriverParams(params);
      const execute = prepared && values && values.length > 0 ? await prepared.execute(sql, values, inTx ? null : async (text) => void (await q.exec(text))) : null;
      let res;
      try {
        res = execute ? await q.query<R>(execute) : await q.query<R>(sql, values);
      } catch (err) {
        // "cached plan must not change result type" (a migration changed a table under it): run it as sent
        if (!execute || pgErrorCode(err) !== '0A000') throw err;
        res = await q.query<R>(sql, values);
      }
      // affectedRows is 0 for a SELECT; rows cover RETURNING and SELECT alike
      return { rows: res.rows, rowCount: Math.max(res.affectedRows ?? 0, res.rows.length) };
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  });

  const top = wrap(db, false);
  return {
    kind: 'pglite',
    query: top.query,
    exec: top.exec,
    tx: <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => db.transaction((t) => fn(wrap(t, true))),
    settlements: top,
    close: () => db.close(),
  };
}
