// `npm run bench -- --history N`: what history costs. Measures, on a fresh PostgreSQL schema, the
// paid call (the ledger's real reserve + settle with its call record), a /metrics scrape (the
// registry the server renders), the incremental and the full audit, and bytes per paid call —
// once on an empty store and once after N synthetic settled calls have been loaded — side by side.
// The synthetic calls are copies of one real call's rows (its hold, its journal rows and entries,
// its paid_calls record) made in SQL with generate_series, so they have whatever shape the ledger
// writes today; their timestamps are spread over the past N × 10 seconds.
import { createMetrics } from '../server/metrics/index.js';
import { createLedger, createUserAccount, hashToken, newToken, postJournal, type Ledger } from '../server/ledger/index.js';
import type { Db } from '../server/store/index.js';
import { openStore } from '../server/store/index.js';
import { createPostgresSchema } from '../server/store/testing.js';
import { quantile } from './stats.js';

const CALL_TABLES = ['journal', 'entries', 'holds', 'paid_calls'];
const CHUNK = 250_000;

export interface HistoryFigures {
  label: string;
  calls: number;
  paidCallMedianMs: number;
  paidCallP99Ms: number;
  scrapeMedianMs: number;
  incrementalAuditMs: number;
  fullAuditMs: number;
  bytesPerCall: number;
  tableBytes: number;
  /** bytes per call by table (table + its indexes) */
  perTable: Record<string, number>;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function fundedToken(db: Db, ledger: Ledger): Promise<{ tokenHash: Buffer; accountId: bigint }> {
  const tokenHash = hashToken(newToken());
  const accountId = await db.tx(async (q) => {
    const acct = await createUserAccount(q, tokenHash);
    await postJournal(q, { kind: 'deposit', ref: 'bench', lines: [{ accountId: ledger.sys.lightning, amountMsat: -1_000_000_000_000_000n }, { accountId: acct.id, amountMsat: 1_000_000_000_000_000n }] });
    return acct.id;
  });
  return { tokenHash, accountId };
}

let seq = 0;
/** One paid call as the proxy makes it: reserve the price, settle the charge with the call's record. */
async function paidCall(ledger: Ledger, tokenHash: Buffer): Promise<bigint> {
  const r = await ledger.reserve({ tokenHash, amountMsat: 30_000n, purpose: 'POST /api/v1/openai/v1/chat/completions', expiresAt: 4e9 });
  if (!r.ok) throw new Error(`reserve refused: ${r.reason}`);
  const requestId = `bench_${process.pid}_${seq++}`;
  await ledger.settle(r.holdId, 21_000n, { requestId, api: 'openai', endpoint: 'POST /api/v1/openai/v1/chat/completions', model: 'gpt-4o-mini', usage: { prompt_tokens: 12, completion_tokens: 30 }, createdAt: Math.floor(Date.now() / 1000) });
  return r.holdId;
}

async function tableBytes(db: Db): Promise<Record<string, number>> {
  const r = await db.query<{ t: string; s: bigint }>(`SELECT t, pg_total_relation_size(t::regclass)::bigint AS s FROM unnest($1::text[]) AS t`, [CALL_TABLES]);
  return Object.fromEntries(r.rows.map((x) => [x.t, Number(x.s)]));
}

async function settledCalls(db: Db): Promise<number> {
  // a settlement deletes its hold (migration 026): a settled call is its receipt
  const r = await db.query<{ n: bigint }>(`SELECT count(*) AS n FROM paid_calls`);
  return Number(r.rows[0]!.n);
}

/** N copies of the rows one real settled call wrote (hold `template`; a settled hold leaves no row, 026), in chunks, ids taken from the sequences. */
export async function loadSyntheticCalls(db: Db, template: bigint, n: number, progress: (m: string) => void): Promise<void> {
  const journal = await db.query<{ id: bigint }>(`SELECT id FROM journal WHERE ref = $1::text ORDER BY id`, [template]);
  const k = journal.rows.length;
  for (let done = 0; done < n; done += CHUNK) {
    const m = Math.min(CHUNK, n - done);
    await db.tx(async (q) => {
      const h = await q.query<{ base: bigint }>(`SELECT nextval('holds_id_seq') AS base`);
      const hb = h.rows[0]!.base;
      await q.query(`SELECT setval('holds_id_seq', $1::bigint)`, [hb + BigInt(m)]);
      const j = await q.query<{ base: bigint }>(`SELECT nextval('journal_id_seq') AS base`);
      const jb = j.rows[0]!.base;
      await q.query(`SELECT setval('journal_id_seq', $1::bigint)`, [jb + BigInt(m * k)]);
      // g = 0..m-1; the call's age spreads the history over the past (n - done - g) × 10 s
      const age = `make_interval(secs => (${n - done} - g) * 10)`;
      // the template's journal rows, in order: row i of copy g gets id jb + g*k + i
      await q.query(
        `INSERT INTO journal (id, kind, ref, memo, created_at)
         SELECT $1::bigint + g * $4::int + t.i, t.kind, CASE WHEN t.ref = $3::text THEN ($5::bigint + g)::text ELSE t.ref END, t.memo, now() - ${age}
         FROM generate_series(0, $2::int - 1) g,
              (SELECT row_number() OVER (ORDER BY id) - 1 AS i, kind, ref, memo FROM journal WHERE ref = $3::text) t`,
        [jb, m, template, k, hb],
      );
      await q.query(
        `INSERT INTO entries (journal_id, account_id, amount_msat)
         SELECT $1::bigint + g * $4::int + t.i, t.account_id, t.amount_msat
         FROM generate_series(0, $2::int - 1) g,
              (SELECT x.i, e.account_id, e.amount_msat FROM entries e
               JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM journal WHERE ref = $3::text) x ON x.id = e.journal_id) t`,
        [jb, m, template, k],
      );
      await q.query(
        `INSERT INTO paid_calls (request_id, account_id, hold_id, api, endpoint, model, max_charge_msat, charged_msat, usage, created_at)
         SELECT 'synthetic_' || ($1::bigint + g), c.account_id, $1::bigint + g, c.api, c.endpoint, c.model, c.max_charge_msat, c.charged_msat, c.usage,
                extract(epoch FROM now() - ${age})::bigint
         FROM generate_series(0, $2::int - 1) g, paid_calls c WHERE c.hold_id = $3`,
        [hb, m, template],
      );
      // the user's balance column moves with its entries, as postJournal does
      await q.query(
        `UPDATE accounts a SET balance_msat = a.balance_msat + t.s * $2::bigint
         FROM (SELECT e.account_id, sum(e.amount_msat) AS s FROM entries e JOIN journal j ON j.id = e.journal_id WHERE j.ref = $1::text GROUP BY 1) t
         WHERE a.id = t.account_id AND a.kind = 'user'`,
        [template, m],
      );
    });
    progress(`  loaded ${done + m} of ${n} synthetic calls`);
  }
  for (const t of [...CALL_TABLES, 'accounts']) await db.query(`VACUUM ANALYZE ${t}`);
}

async function measure(db: Db, ledger: Ledger, tokenHash: Buffer, label: string, calls: number): Promise<HistoryFigures> {
  const metrics = createMetrics({ ledger, defaultMetrics: false });
  // a checkpoint to start from, as a store audited regularly has
  await ledger.audit({ mode: 'incremental' });
  const lat: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await paidCall(ledger, tokenHash);
    lat.push(ms(t0));
  }
  const scrapes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = process.hrtime.bigint();
    await metrics.registry.metrics();
    scrapes.push(ms(t0));
  }
  let t0 = process.hrtime.bigint();
  const inc = await ledger.audit({ mode: 'incremental' });
  const incrementalAuditMs = ms(t0);
  t0 = process.hrtime.bigint();
  const full = await ledger.audit({ mode: 'full' });
  const fullAuditMs = ms(t0);
  if (!inc.ok || !full.ok) throw new Error(`the audit found problems: ${[...inc.problems, ...full.problems].join('; ')}`);
  const sizes = await tableBytes(db);
  const bytes = Object.values(sizes).reduce((a, b) => a + b, 0);
  const settled = await settledCalls(db);
  return {
    label,
    calls: settled,
    paidCallMedianMs: quantile(lat, 0.5),
    paidCallP99Ms: quantile(lat, 0.99),
    scrapeMedianMs: quantile(scrapes, 0.5),
    incrementalAuditMs,
    fullAuditMs,
    bytesPerCall: Math.round(bytes / Math.max(settled, 1)),
    tableBytes: bytes,
    perTable: Object.fromEntries(Object.entries(sizes).map(([t, b]) => [t, Math.round(b / Math.max(settled, 1))])),
  };
}

/** The first checkpoint over a large history hashes all of it once; timed apart. */
export async function runHistoryBench(opts: { history: number; calls: number; progress: (m: string) => void }): Promise<{ empty: HistoryFigures; large: HistoryFigures; firstCheckpointMs: number }> {
  const schema = await createPostgresSchema();
  const db = await openStore({ databaseUrl: schema.url, dataDir: null });
  try {
    const ledger = await createLedger(db);
    const { tokenHash } = await fundedToken(db, ledger);
    opts.progress(`history: ${opts.calls} paid calls on an empty store`);
    const empty = await measure(db, ledger, tokenHash, 'empty store', opts.calls);
    const template = await paidCall(ledger, tokenHash);
    opts.progress(`history: loading ${opts.history} synthetic settled calls`);
    const t0 = process.hrtime.bigint();
    await loadSyntheticCalls(db, template, opts.history, opts.progress);
    opts.progress(`  loaded in ${(ms(t0) / 1000).toFixed(1)} s; the first checkpoint over it`);
    const t1 = process.hrtime.bigint();
    const first = await ledger.audit({ mode: 'incremental' });
    const firstCheckpointMs = ms(t1);
    if (!first.ok) throw new Error(`the audit found problems after loading: ${first.problems.join('; ')}`);
    opts.progress(`history: ${opts.calls} paid calls on the large store`);
    const large = await measure(db, ledger, tokenHash, `${opts.history.toLocaleString('en')} calls`, opts.calls);
    return { empty, large, firstCheckpointMs };
  } finally {
    await db.close();
    await schema.drop();
  }
}

export function historyTable(r: { empty: HistoryFigures; large: HistoryFigures; firstCheckpointMs: number }): string {
  const f = (v: number, d = 2) => v.toFixed(d);
  const row = (name: string, g: (x: HistoryFigures) => string) => `| ${name} | ${g(r.empty)} | ${g(r.large)} |`;
  return [
    `| PostgreSQL | ${r.empty.label} | ${r.large.label} |`,
    '|---|---:|---:|',
    row('settled calls in the store', (x) => x.calls.toLocaleString('en')),
    row('paid call (reserve + settle), median ms', (x) => f(x.paidCallMedianMs)),
    row('paid call, p99 ms', (x) => f(x.paidCallP99Ms)),
    row('/metrics scrape, median ms', (x) => f(x.scrapeMedianMs)),
    row('incremental audit, ms', (x) => f(x.incrementalAuditMs, 0)),
    row('full audit, ms', (x) => f(x.fullAuditMs, 0)),
    row('journal + entries + holds + paid_calls, MB', (x) => f(x.tableBytes / 1e6, 1)),
    row('bytes per paid call', (x) => String(x.bytesPerCall)),
    ...CALL_TABLES.map((t) => row(`  of which ${t}`, (x) => String(x.perTable[t] ?? 0))),
    '',
    `The first checkpoint over the loaded history (hashing all of it once): ${(r.firstCheckpointMs / 1000).toFixed(1)} s.`,
  ].join('\n');
}
