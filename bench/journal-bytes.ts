// Storage per paid call on PostgreSQL: the bytes (tables and their indexes) that N token-paid
// calls leave in holds, journal, entries and paid_calls — written by the ledger as it is now
// (compact journal, 017), and the same calls written as they were before 017 (a journalled
// reservation, then a settlement of three lines), on a schema migrated to 016, for the comparison.
// VACUUM runs every 250 calls, as autovacuum would, so a settled hold's dead version is reused.
import { createLedger, createUserAccount, hashToken, newToken, postJournal, type Ledger } from '../server/ledger/index.js';
import type { Db } from '../server/store/db.js';
import { loadMigrations, migrate } from '../server/store/migrate.js';
import { openPostgres } from '../server/store/postgres.js';
import { createPostgresSchema } from '../server/store/testing.js';

export interface BytesFigure {
  name: string;
  calls: number;
  /** journal rows and entries per call */
  journalRows: number;
  entries: number;
  /** holds + journal + entries, with indexes */
  ledgerBytes: number;
  /** paid_calls (the receipt), with indexes */
  receiptBytes: number;
  /** per table: heap / its indexes, bytes per call */
  byTable: Record<string, { heap: number; indexes: number }>;
}

const TABLES = ['holds', 'journal', 'entries', 'paid_calls'] as const;

async function split(db: Db): Promise<Record<string, { heap: number; indexes: number }>> {
  const res = await db.query<{ t: string; h: bigint; i: bigint }>(
    `SELECT t, pg_table_size(t::regclass)::bigint AS h, pg_indexes_size(t::regclass)::bigint AS i FROM unnest($1::text[]) AS t`,
    [[...TABLES]],
  );
  return Object.fromEntries(res.rows.map((r) => [r.t, { heap: Number(r.h), indexes: Number(r.i) }]));
}

async function sizes(db: Db): Promise<Record<(typeof TABLES)[number], number>> {
  const res = await db.query<{ t: string; b: bigint }>(`SELECT t, pg_total_relation_size(t::regclass)::bigint AS b FROM unnest($1::text[]) AS t`, [[...TABLES]]);
  return Object.fromEntries(res.rows.map((r) => [r.t, Number(r.b)])) as Record<(typeof TABLES)[number], number>;
}

const counts = async (db: Db) => {
  const r = await db.query<{ j: bigint; e: bigint }>(`SELECT (SELECT count(*) FROM journal) AS j, (SELECT count(*) FROM entries) AS e`);
  return { j: Number(r.rows[0]!.j), e: Number(r.rows[0]!.e) };
};

const call = (i: number) => ({ requestId: `req_${i.toString(36).padStart(22, '0')}`, api: 'openai', endpoint: 'POST /api/v1/openai/v1/chat/completions', model: 'gpt-4o-mini', usage: { prompt_tokens: 9, completion_tokens: 12 }, createdAt: 1_780_000_000 + i });
const PURPOSE = 'POST /api/v1/openai/v1/chat/completions';

// the rows a call wrote before 017, with the statements' shapes of then (in one transaction each)
async function legacyCall(db: Db, sys: Ledger['sys'], accountId: bigint, i: number): Promise<void> {
  const held = 30_000n;
  const charge = 21_000n;
  const holdId = await db.tx(async (q) => {
    await q.query(`UPDATE accounts SET balance_msat = balance_msat - $2 WHERE id = $1`, [accountId, held]);
    const h = await q.query<{ id: bigint }>(`INSERT INTO holds (account_id, amount_msat, purpose, expires_at) VALUES ($1, $2, $3, 4000000000) RETURNING id`, [accountId, held, PURPOSE]);
    const id = h.rows[0]!.id;
    const j = await q.query<{ id: bigint }>(`INSERT INTO journal (kind, ref) VALUES ('reserve', $1) RETURNING id`, [id.toString()]);
    await q.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, $3), ($1, $4, $5)`, [j.rows[0]!.id, accountId, -held, sys.holds, held]);
    return id;
  });
  await db.tx(async (q) => {
    await q.query(`UPDATE holds SET state = 'settled', resolved_at = now() WHERE id = $1`, [holdId]);
    await q.query(`UPDATE accounts SET balance_msat = balance_msat + $2 WHERE id = $1`, [accountId, held - charge]);
    const j = await q.query<{ id: bigint }>(`INSERT INTO journal (kind, ref) VALUES ('settle', $1) RETURNING id`, [holdId.toString()]);
    await q.query(`INSERT INTO entries (journal_id, account_id, amount_msat) VALUES ($1, $2, $3), ($1, $4, $5), ($1, $6, $7)`, [j.rows[0]!.id, sys.holds, -held, sys.revenue, charge, accountId, held - charge]);
    const c = call(i);
    await q.query(
      `INSERT INTO paid_calls (request_id, account_id, hold_id, api, endpoint, model, max_charge_msat, charged_msat, usage, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`,
      [c.requestId, accountId, holdId, c.api, c.endpoint, c.model, held, charge, JSON.stringify(c.usage), c.createdAt],
    );
  });
}

async function measure(name: string, legacy: boolean, n: number): Promise<BytesFigure> {
  const schema = await createPostgresSchema();
  const db = openPostgres({ connectionString: schema.url });
  try {
    const all = loadMigrations();
    await migrate(db, legacy ? all.filter((m) => m.version < 17) : all);
    const ledger = await createLedger(db);
    const tokenHash = hashToken(newToken());
    const account = await db.tx(async (q) => {
      const a = await createUserAccount(q, tokenHash);
      await postJournal(q, { kind: 'deposit', lines: [{ accountId: ledger.sys.lightning, amountMsat: -1_000_000_000_000n }, { accountId: a.id, amountMsat: 1_000_000_000_000n }] });
      return a;
    });
    await db.query('VACUUM ANALYZE holds, journal, entries, paid_calls');
    const [s0, c0, t0] = [await sizes(db), await counts(db), await split(db)];
    for (let i = 0; i < n; i++) {
      // the dead versions that settled holds leave are reused by later calls, as autovacuum has it
      if (i > 0 && i % 250 === 0) await db.query('VACUUM holds, journal, entries, paid_calls');
      if (legacy) await legacyCall(db, ledger.sys, account.id, i);
      else {
        const r = await ledger.reserve({ tokenHash, amountMsat: 30_000n, purpose: PURPOSE, expiresAt: 4_000_000_000 });
        if (!r.ok) throw new Error('bench account ran dry');
        await ledger.settle(r.holdId, 21_000n, call(i));
      }
    }
    await db.query('VACUUM holds, journal, entries, paid_calls');
    const [s1, c1, t1] = [await sizes(db), await counts(db), await split(db)];
    return {
      name,
      calls: n,
      journalRows: (c1.j - c0.j) / n,
      entries: (c1.e - c0.e) / n,
      ledgerBytes: (s1.holds - s0.holds + s1.journal - s0.journal + s1.entries - s0.entries) / n,
      receiptBytes: (s1.paid_calls - s0.paid_calls) / n,
      byTable: Object.fromEntries(TABLES.map((t) => [t, { heap: (t1[t]!.heap - t0[t]!.heap) / n, indexes: (t1[t]!.indexes - t0[t]!.indexes) / n }])),
    };
  } finally {
    await db.close();
    await schema.drop();
  }
}

/** Both ledgers, the legacy one first. */
export async function measureJournalBytes(n: number): Promise<BytesFigure[]> {
  return [await measure('before 017: reservation and settlement journalled', true, n), await measure('compact journal (017)', false, n)];
}
