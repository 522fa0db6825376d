// PGlite has no autovacuum (pglite-vacuum.ts): the store vacuums the tables paid calls update once
// enough rows went through it, one vacuum at a time, the next threshold growing with the table;
// and on a migrated store the tables it names exist, so the vacuum it runs succeeds.
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { openPglite } from './pglite.js';
import { createPgliteVacuum, PGLITE_VACUUM } from './pglite-vacuum.js';
import { openStore } from './index.js';

describe('when PGlite vacuums', () => {
  it('once the rows pass the threshold, one at a time, then after threshold + scale × the table', async () => {
    const runs: { sql: string; done: (size: number) => void; fail: (e: Error) => void }[] = [];
    const v = createPgliteVacuum({ tables: ['t', 'u'], threshold: 100, scale: 0.5 }, (sql) => new Promise((done, fail) => runs.push({ sql, done, fail })));
    v.counted(60);
    v.counted(39);
    expect(runs).toHaveLength(0);
    v.counted(1);
    expect(runs.map((r) => r.sql)).toEqual(['VACUUM t, u']);
    v.counted(150); // while it runs: no second one, and these count toward the next
    expect(runs).toHaveLength(1);
    runs[0]!.done(400);
    await v.settled();
    // the next: after 100 + 0.5 × 400 rows, those counted during the run included
    v.counted(149);
    expect(runs).toHaveLength(1);
    v.counted(1);
    expect(runs).toHaveLength(2);
    runs[1]!.fail(new Error('busy'));
    await v.settled();
    v.counted(299);
    expect(runs).toHaveLength(2);
    v.counted(1); // a failed vacuum keeps the threshold and is tried again after it
    expect(runs).toHaveLength(3);
    runs[2]!.done(0);
    await v.settled();
  });

  describe('on a PGlite store', () => {
    let db: Db | null = null;
    afterEach(async () => {
      await db?.close();
      db = null;
    });
    const lastVacuum = async (d: Db) =>
      (await d.query<{ at: Date | null }>(`SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE relname = 'churn'`)).rows[0]?.at ?? null;

    it('a table updated over and over is vacuumed once the rows pass the threshold, and the store goes on', async () => {
      const d = (db = await openPglite(null, { vacuum: { tables: ['churn'], threshold: 50, scale: 0 } }));
      await d.exec(`CREATE TABLE churn (id bigint PRIMARY KEY, n bigint NOT NULL)`);
      await d.query(`INSERT INTO churn SELECT g, 0 FROM generate_series(1, 10) g RETURNING id`); // 10 rows
      for (let i = 0; i < 3; i++) await d.query(`UPDATE churn SET n = n + 1`); // 40
      expect(await lastVacuum(d)).toBeNull();
      await d.query(`UPDATE churn SET n = n + 1`); // 50: the threshold
      // the next statement runs after the vacuum (one thread, in order)
      expect(await lastVacuum(d)).not.toBeNull();
      await d.query(`UPDATE churn SET n = n + 1`);
      expect((await d.query<{ s: bigint }>(`SELECT sum(n) AS s FROM churn`)).rows[0]!.s).toBe(50n);
    });

    it('off: never', async () => {
      const d = (db = await openPglite(null, { vacuum: false }));
      await d.exec(`CREATE TABLE churn (id bigint PRIMARY KEY, n bigint NOT NULL)`);
      await d.query(`INSERT INTO churn SELECT g, 0 FROM generate_series(1, 100) g RETURNING id`);
      for (let i = 0; i < 3; i++) await d.query(`UPDATE churn SET n = n + 1`);
      expect(await lastVacuum(d)).toBeNull();
    });

    it('on a migrated store the tables it vacuums exist', async () => {
      const d = (db = await openStore({ dataDir: null }));
      await d.exec(`VACUUM ${PGLITE_VACUUM.tables.join(', ')}`);
      for (const t of PGLITE_VACUUM.tables) {
        const r = await d.query<{ at: Date | null }>(`SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE relname = $1`, [t]);
        expect(r.rows[0]?.at, t).not.toBeNull();
      }
    });
  });
});
