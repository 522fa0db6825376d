// PGlite on a thread of its own (pglite.ts, pglite-thread.ts): errors keep their PostgreSQL fields,
// a transaction is one unit that nothing outside it runs inside, and a closed store refuses politely.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgErrorCode, type Db } from './db.js';
import { openPglite } from './pglite.js';

describe('PGlite on its own thread', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite(null);
    await db.exec(`CREATE TABLE kv (k text PRIMARY KEY, v bigint NOT NULL CHECK (v >= 0))`);
  });
  afterAll(() => db.close());

  it('a refused statement throws with its code and constraint, as the driver does', async () => {
    await db.query(`INSERT INTO kv VALUES ($1, $2)`, ['a', 1n]);
    const dup = await db.query(`INSERT INTO kv VALUES ($1, $2)`, ['a', 2n]).catch((e: unknown) => e);
    expect(pgErrorCode(dup)).toBe('23505');
    const negative = await db.query(`UPDATE kv SET v = v - $2 WHERE k = $1`, ['a', 5n]).catch((e: unknown) => e);
    expect(pgErrorCode(negative)).toBe('23514');
    expect((negative as { constraint?: string }).constraint).toBe('kv_v_check');
    expect((await db.query<{ v: bigint }>(`SELECT v FROM kv WHERE k = $1`, ['a'])).rows[0]!.v).toBe(1n);
  });

  it('a transaction commits whole or not at all; a statement outside it waits and never runs inside it', async () => {
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    const tx = db.tx(async (q) => {
      await q.query(`INSERT INTO kv VALUES ($1, $2)`, ['b', 10n]);
      inside();
      await held;
      await q.query(`UPDATE kv SET v = v + 1 WHERE k = $1`, ['b']);
      return 'done';
    });
    await entered;
    // issued while the transaction is open: it runs after the commit, outside it
    const outside = db.query<{ v: bigint }>(`SELECT v FROM kv WHERE k = $1`, ['b']);
    finish();
    expect(await tx).toBe('done');
    expect((await outside).rows[0]!.v).toBe(11n);

    const failed = await db
      .tx(async (q) => {
        await q.query(`INSERT INTO kv VALUES ($1, $2)`, ['c', 1n]);
        throw new Error('changed my mind');
      })
      .catch((e: unknown) => (e as Error).message);
    expect(failed).toBe('changed my mind');
    expect((await db.query(`SELECT 1 FROM kv WHERE k = $1`, ['c'])).rows).toEqual([]);
    // a statement that fails inside a transaction rolls it all back
    await expect(
      db.tx(async (q) => {
        await q.query(`INSERT INTO kv VALUES ($1, $2)`, ['d', 1n]);
        await q.query(`INSERT INTO kv VALUES ($1, $2)`, ['d', 2n]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await db.query(`SELECT 1 FROM kv WHERE k = $1`, ['d'])).rows).toEqual([]);
  });

  it('after close, a statement is refused with an error, not left waiting', async () => {
    const other = await openPglite(null);
    await other.close();
    await expect(other.query(`SELECT 1`)).rejects.toThrow();
  });
});
