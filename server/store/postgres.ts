// PostgreSQL through a pg Pool; int8 and numeric sums come back as bigint.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';
import { pgErrorCode, toDriverParams } from './db.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

const bigintTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => (/^-?\d+$/.test(v) ? BigInt(v) : v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface PostgresOptions {
  connectionString: string;
  max?: number;
  /** ms to wait for a free connection before failing the request */
  connectionTimeoutMillis?: number;
  /**
   * Named (prepared) statements: parsed and planned once per connection instead of on every call,
   * about half the database CPU of the paid hot path. Off for poolers in transaction mode
   * (Supabase's port 6543), which cannot keep a statement between transactions.
   */
  preparedStatements?: boolean;
  /**
   * Settlements and releases on connections with synchronous_commit=off: no WAL flush waited for
   * at their commit. A PostgreSQL crash may then lose the last ~0.6 s of them (never a
   * reservation): their holds come back and the sweep returns them to their users.
   */
  asyncSettlements?: boolean;
}

const MAX_PREPARED = 500;

export function openPostgres(opts: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 20,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5000,
    types: bigintTypes as pg.CustomTypesConfig,
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const relaxedPool = opts.asyncSettlements ? relaxed(opts) : null;

  const names = new Map<string, string>();
  const statementName = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `abl_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      names.set(sql, name);
    }
    return name;
  };

  const run = async <R>(q: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const values = toDriverParams(params);
    // only parameterised statements are prepared: they are the fixed texts of the hot paths
    const name = opts.preparedStatements !== false && values && values.length > 0 ? statementName(sql) : undefined;
    let res;
    try {
      res = name ? await q.query({ name, text: sql, values }) : await q.query(sql, values);
    } catch (err) {
      // A migration by another instance changed a table under a prepared statement ("cached plan
      // must not change result type", raised before anything ran): run it unprepared this time.
      if (!name || pgErrorCode(err) !== '0A000') throw err;
      res = await q.query(sql, values);
    }
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  };

  const query: Queryable['query'] = (sql, params) => run(pool, sql, params);
  return {
    kind: 'postgres',
    query,
    exec: async (sql) => {
      await pool.query(sql);
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      // A connection that dies while checked out (a database restart, a terminated backend) emits
      // 'error' on its client, which the pool only listens to while the client is idle: without a
      // listener here that event is an uncaught exception and the process goes down.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    },
    settlements: relaxedPool ? { query: (sql, params) => run(relaxedPool, sql, params), exec: async (sql) => void (await relaxedPool.query(sql)) } : { query, exec: async (sql) => void (await pool.query(sql)) },
    close: async () => {
      await Promise.all([pool.end(), relaxedPool?.end()]);
    },
  };
}

/** A second pool whose sessions commit without waiting for the WAL flush. */
function relaxed(opts: PostgresOptions): pg.Pool {
  const url = new URL(opts.connectionString);
  url.searchParams.set('options', `${url.searchParams.get('options') ?? ''} -c synchronous_commit=off`.trim());
  const pool = new pg.Pool({ connectionString: url.toString(), max: opts.max ?? 20, connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5000, types: bigintTypes as pg.CustomTypesConfig });
  pool.on('error', () => {});
  return pool;
}
