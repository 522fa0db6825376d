// What the rows every settled paid call must write cost PostgreSQL alone: its receipt (paid_calls),
// its journal row and two entries (with the kept totals' trigger), 64 calls to a statement as the
// settlement batches write them, nothing else — no hold, no balance, no lock, no check. The floor
// under the database's share of a paid call as the ledger's rules have it (docs/benchmarks.md).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../server/store/index.js';
import { createPostgresSchema } from '../server/store/testing.js';
import { cpuSecondsOf } from './processes.js';
import { quantile } from './stats.js';

const BATCH = 64;

const ROWS_SQL = `
WITH i AS (SELECT * FROM unnest($1::text[], $2::text[]) AS i(ref, request_id)),
t AS (SELECT i.*, nextval(pg_get_serial_sequence('journal', 'id')) AS journal_id FROM i),
j AS (INSERT INTO journal (id, kind, ref, memo) SELECT t.journal_id, 'charge', t.ref, NULL FROM t),
e AS (
  INSERT INTO entries (journal_id, account_id, amount_msat)
  SELECT t.journal_id, v.account_id, v.amount FROM t, LATERAL (VALUES ($3::bigint, -30000::bigint), ($4::bigint, 30000::bigint)) AS v(account_id, amount)
), c AS (
  INSERT INTO paid_calls (request_id, account_id, hold_id, api, endpoint, model, max_charge_msat, charged_msat, usage, created_at)
  SELECT t.request_id, $3::bigint, t.ref::bigint, 'openai', 'POST /api/v1/openai/v1/chat/completions', 'gpt-4o-mini-flat', 30000, 30000, NULL, $5::bigint FROM t
)
SELECT count(*)::int AS n FROM t`;

/** Backend CPU µs per call: the median of `rounds` rounds of `batches` statements, the tables vacuumed between rounds. */
export async function measureRowsFloor(batches = 150, rounds = 5): Promise<number> {
  const schema = await createPostgresSchema();
  try {
    await (await openStore({ databaseUrl: schema.url, dataDir: null })).close(); // migrations
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const [user, revenue] = (await client.query<{ id: string }>('SELECT id::text FROM accounts ORDER BY id LIMIT 2')).rows.map((r) => r.id);
      let holdId = 0;
      const statement = async () => {
        const refs: string[] = [];
        const requests: string[] = [];
        for (let k = 0; k < BATCH; k++) {
          refs.push(String(++holdId));
          requests.push(randomUUID());
        }
        await client.query({ name: 'rows', text: ROWS_SQL, values: [refs, requests, user, revenue, Date.now()] });
      };
      for (let k = 0; k < 30; k++) await statement();
      const perCall: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const before = cpuSecondsOf(pid);
        for (let k = 0; k < batches; k++) await statement();
        perCall.push(((cpuSecondsOf(pid) - before) * 1e6) / (batches * BATCH));
        await client.query('VACUUM (ANALYZE) journal, entries, paid_calls, ledger_totals');
      }
      return quantile(perCall, 0.5);
    } finally {
      await client.end();
    }
  } finally {
    await schema.drop();
  }
}
