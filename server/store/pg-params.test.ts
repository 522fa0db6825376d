// Arrays sent to PostgreSQL as literals built by toPgParams arrive element for element as the
// driver's own serialiser would send them: numbers, bigints beyond 2^53, text with quotes,
// backslashes, commas, braces, spaces, the word NULL and the empty string, JSON, nulls, booleans.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from './postgres.js';
import { toPgParams } from './pg-params.js';
import { createPostgresSchema } from './testing.js';

describe('array parameters on PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  beforeAll(async () => {
    schema = await createPostgresSchema();
  });
  afterAll(() => schema.drop());

  const texts = ['plain', 'a "quoted" word', 'back\\slash', 'a,b', '{braces}', '  spaced  ', 'NULL', '', 'ünïcödé ⚡', '{"input_tokens":12,"estimated":0}', null];

  it('bigint, text and boolean arrays arrive exactly, prepared or not', async () => {
    for (const preparedStatements of [true, false]) {
      const db = openPostgres({ connectionString: schema.url, preparedStatements });
      try {
        const res = await db.query<{ n: bigint[]; t: (string | null)[]; j: unknown; b: boolean[]; e: bigint[] }>(
          'SELECT $1::bigint[] AS n, $2::text[] AS t, ($3::text[])[1]::jsonb AS j, $4::boolean[] AS b, $5::bigint[] AS e',
          [[9_007_199_254_740_993n, -5n, null, 0n], texts, [JSON.stringify({ usage: 'a "b" \\ c' })], [true, false], []],
        );
        const row = res.rows[0]!;
        expect(row.t).toEqual(texts);
        expect(row.j).toEqual({ usage: 'a "b" \\ c' });
        expect(row.b).toEqual([true, false]);
        // bigint[] comes back as the driver reads it (text elements): compare as text
        expect(String(row.n)).toBe(String(['9007199254740993', '-5', null, '0']));
        expect(row.e).toEqual([]);
      } finally {
        await db.close();
      }
    }
  });

  it('builds literals for plain arrays and leaves any other array to the driver', () => {
    expect(toPgParams([[1n, 2, null], ['a"b', 'c\\d', 'e'], 7n, 'x'])).toEqual(['{1,2,NULL}', '{"a\\"b","c\\\\d","e"}', '7', 'x']);
    const when = new Date(0);
    expect(toPgParams([[when, 3n]])).toEqual([[when, '3']]);
    expect(toPgParams([[Number.NaN]])).toEqual([[Number.NaN]]);
    expect(toPgParams(undefined)).toBeUndefined();
  });
});
