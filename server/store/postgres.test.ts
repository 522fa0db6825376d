import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from './db.js';
import { migrate } from './migrate.js';
import { openPostgres } from './postgres.js';
import { createPostgresSchema } from './testing.js';

describe('the PostgreSQL store', () => {
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  beforeAll(async () => {
    schema = await createPostgresSchema();
  });
  afterAll(() => schema.drop());

  it.each([true, false])('answers the same with prepared statements %s, bigint in and out', async (preparedStatements) => {
    const db = openPostgres({ connectionString: schema.url, preparedStatements });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await db.query<{ n: bigint; t: string }>('SELECT $1::bigint + 1 AS n, $2::text AS t', [9_007_199_254_740_993n, `x${i}`]);
        expect(res.rows[0]).toEqual({ n: 9_007_199_254_740_994n, t: `x${i}` });
      }
      const named = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'abl_%'`, []);
      // the count query itself has no parameters, so only the statement above can be prepared
      expect(named.rows[0]!.n).toBe(preparedStatements ? 1n : 0n);

      // another instance migrates a table under a prepared statement: the next call still answers
      await db.query('CREATE TABLE IF NOT EXISTS t_shape (a int)', []);
      await db.exec('INSERT INTO t_shape VALUES (1)');
      expect((await db.query('SELECT * FROM t_shape WHERE a = $1', [1])).rows).toEqual([{ a: 1 }]);
      await db.exec('ALTER TABLE t_shape ADD COLUMN b int DEFAULT 2');
      expect((await db.query('SELECT * FROM t_shape WHERE a = $1', [1])).rows).toEqual([{ a: 1, b: 2 }]);
      await db.exec('DROP TABLE t_shape');
    } finally {
      await db.close();
    }
  });

  it('has autovacuum keep up with the tables every paid call updates, whatever their size', async () => {
    const db = openPostgres({ connectionString: schema.url });
    try {
      await migrate(db);
      const options = await db.query<{ relname: string; reloptions: string[] }>(
        `SELECT relname, reloptions FROM pg_class WHERE relname IN ('holds', 'accounts', 'ledger_totals') AND relnamespace = current_schema()::regnamespace ORDER BY relname`,
        [],
      );
      expect(options.rows.map((r) => [r.relname, r.reloptions.filter((o) => o.startsWith('autovacuum_vacuum_'))])).toEqual([
        ['accounts', ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=10000']],
        ['holds', ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=10000']],
        ['ledger_totals', ['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=1000']],
      ]);
    } finally {
      await db.close();
    }
  });

  it.each([true, false])('settles on connections that skip the WAL flush only when asked (asyncSettlements %s)', async (asyncSettlements) => {
    const db = openPostgres({ connectionString: schema.url, asyncSettlements });
    try {
      const setting = async (q: Queryable) => (await q.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;
      expect(await setting(db)).toBe('on');
      expect(await setting(db.settlements)).toBe(asyncSettlements ? 'off' : 'on');
    } finally {
      await db.close();
    }
  });
});
