// PGlite's prepared statements (pglite-prepared.ts): a statement run again goes as EXECUTE with its
// values written as literals; whatever a value holds, it arrives as the same value a parameter
// would carry, inside a transaction or out of one, and a statement that cannot be prepared still runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { openPglite } from './pglite.js';

describe('PGlite prepared statements', () => {
  let db: Db;
  let sent: string[];
  beforeAll(async () => {
    db = await openPglite(null);
    await db.exec(`CREATE TABLE t (id bigint PRIMARY KEY, s text, b bytea, j jsonb, f boolean, n integer)`);
  });
  afterAll(() => db.close());
  const insert = `INSERT INTO t (id, s, b, j, f, n) VALUES ($1::bigint, $2, $3, $4::jsonb, $5, $6) RETURNING id, s, b, j, f, n`;
  const tricky = ["it's", "a'); DROP TABLE t; --", 'back\\slash \\x00 \\\\', 'ünïcødé ✓ 🚀', '', "''", '$1 $$ $2'];

  it('values of every kind come back as sent, the first run as sent and later ones prepared', async () => {
    let id = 0n;
    for (const s of tricky) {
      for (const b of [Buffer.from([0, 1, 0x27, 0x5c, 255]), Buffer.alloc(0), null]) {
        id++;
        const res = await db.query<{ id: bigint; s: string; b: Uint8Array | null; j: unknown; f: boolean | null; n: number | null }>(insert, [id, s, b, JSON.stringify({ s }), id % 2n === 0n, Number(id) * -7]);
        expect(res.rows[0]).toMatchObject({ id, s, j: { s }, f: id % 2n === 0n, n: Number(id) * -7 });
        expect(res.rows[0]!.b === null ? null : Buffer.from(res.rows[0]!.b!)).toEqual(b);
        expect(res.rowCount).toBe(1);
      }
    }
    const all = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM t WHERE s = ANY ($1::text[])`, [tricky]);
    expect(all.rows[0]!.n).toBe(BigInt(tricky.length * 3));
    const prepared = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM pg_prepared_statements`);
    expect(prepared.rows[0]!.n).toBeGreaterThan(0n); // the insert, run again, went prepared
  });

  it('inside a transaction prepared statements run, a rolled back one leaves nothing, and an update counts its rows', async () => {
    const update = `UPDATE t SET n = n + $2 WHERE id <= $1::bigint`;
    expect((await db.query(update, [3n, 1])).rowCount).toBe(3);
    expect((await db.query(update, [3n, 1])).rowCount).toBe(3);
    await expect(
      db.tx(async (q) => {
        expect((await q.query(update, [2n, 100])).rowCount).toBe(2);
        await q.query(insert, [1n, 'duplicate', null, null, null, null]);
      }),
    ).rejects.toThrow();
    const after = await db.query<{ n: number }>(`SELECT n FROM t WHERE id = 1`);
    expect(after.rows[0]!.n).toBe(-7 + 2);
    await db.tx(async (q) => {
      expect((await q.query(update, [1n, 10])).rowCount).toBe(1);
    });
    expect((await db.query<{ n: number }>(`SELECT n FROM t WHERE id = 1`)).rows[0]!.n).toBe(-7 + 12);
  });

  it('a statement PREPARE refused and one with an array of bytes still run as sent', async () => {
    const later = `SELECT count(*) AS n FROM later WHERE id = $1::bigint`;
    // its table is missing: refused as sent, then by PREPARE; once the table is there, it runs
    for (let i = 0; i < 2; i++) await expect(db.query(later, [1n])).rejects.toThrow(/later/);
    await db.exec(`CREATE TABLE later (id bigint)`);
    for (let i = 0; i < 3; i++) expect((await db.query<{ n: bigint }>(later, [1n])).rows[0]!.n).toBe(0n);
    const withBytes = `SELECT count(*) AS n FROM t WHERE b = ANY ($1::bytea[])`;
    for (let i = 0; i < 3; i++) expect((await db.query<{ n: bigint }>(withBytes, [[Buffer.from([0, 1, 0x27, 0x5c, 255])]])).rows[0]!.n).toBe(BigInt(tricky.length));
  });

  it('arrays go prepared, every element arriving as sent: quotes, braces, commas, backslashes, NULL and "NULL"', async () => {
    const texts = [...tricky, 'a"b', '{x,y}', 'c,d', 'e\\"f', 'NULL', null, ' spaced ', 'new\nline'];
    const echo = `SELECT s, n, f FROM unnest($1::text[], $2::bigint[], $3::boolean[]) WITH ORDINALITY AS u(s, n, f, o) ORDER BY o`;
    const nums = texts.map((_, i) => (i % 3 === 0 ? null : BigInt(i) * -1_000_000_007n));
    const flags = texts.map((_, i) => (i % 4 === 0 ? null : i % 2 === 0));
    for (let i = 0; i < 3; i++) {
      const res = await db.query<{ s: string | null; n: bigint | null; f: boolean | null }>(echo, [texts, nums, flags]);
      expect(res.rows).toEqual(texts.map((s, k) => ({ s, n: nums[k], f: flags[k] })));
    }
    const empty = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM unnest($1::text[]) AS u(s)`, [[]]);
    expect(empty.rows[0]!.n).toBe(0n);
    const prepared = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE '%unnest($1::text[], $2::bigint[]%'`);
    expect(prepared.rows[0]!.n).toBe(1n);
  });

  it('off: nothing is prepared', async () => {
    const plain = await openPglite(null, { preparedStatements: false });
    for (let i = 0; i < 3; i++) await plain.query(`SELECT $1::int + 1 AS x`, [i]);
    expect((await plain.query<{ n: bigint }>(`SELECT count(*) AS n FROM pg_prepared_statements`)).rows[0]!.n).toBe(0n);
    await plain.close();
  });
});
