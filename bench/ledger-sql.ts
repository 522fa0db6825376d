// What one paid call costs the store, measured alone: the ledger's real reserve and settle
// (server/ledger) in a loop, one call at a time — settle awaited, or left running in the
// background as the route leaves it, where the next reserve meets it — on PostgreSQL as shipped
// (named statements, as the server prepares them with ABL_PG_PREPARED=true), without them, and
// with synchronous_commit=off (no WAL flush at commit) as a what-if; and on PGlite. Reports the reserve's latency
// (the critical path) and the CPU each statement costs the database backend and this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLedger, createUserAccount, hashToken, newToken, postJournal, type Ledger } from '../server/ledger/index.js';
import { toDriverParams, type Db, type Queryable } from '../server/store/db.js';
import { openStore } from '../server/store/index.js';
import { createPostgresSchema } from '../server/store/testing.js';
import { cpuSecondsOf } from './processes.js';
import { quantile } from './stats.js';

export interface SqlFigure {
  name: string;
  reserveMedianMs: number;
  reserveP99Ms: number;
  /** null when the settle ran in the background */
  settleMedianMs: number | null;
  /** CPU µs per statement in the PostgreSQL backend (null on PGlite, which runs in this process) */
  backendUs: number | null;
  /** CPU µs per statement in this process (the driver; on PGlite the whole database) */
  clientUs: number;
}

const BIGINT_OIDS = new Set([20, 1700]);
const types = {
  getTypeParser: (oid: number, format?: string) =>
    BIGINT_OIDS.has(oid) ? (v: string) => (/^-?\d+$/.test(v) ? BigInt(v) : v) : pg.types.getTypeParser(oid, format as 'text'),
};

/** One connection as a Db, naming every parameterised statement as server/store/postgres.ts does, or none. */
function clientDb(c: pg.Client, named: boolean): Db {
  const names = new Map<string, string>();
  const q: Queryable = {
    async query<R>(sql: string, params?: readonly unknown[]) {
      let name: string | undefined;
      if (named && params && params.length > 0) {
        name = names.get(sql);
        if (!name) names.set(sql, (name = `bench_${names.size}`));
      }
      const res = await c.query({ text: sql, values: toDriverParams(params), ...(name ? { name } : {}) });
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    },
    exec: async (sql) => void (await c.query(sql)),
  };
  return { kind: 'postgres', ...q, tx: (fn) => fn(q), settlements: q, close: () => c.end() };
}

async function fundedToken(db: Db, ledger: Ledger): Promise<Buffer> {
  const tokenHash = hashToken(newToken());
  await db.tx(async (q) => {
    const acct = await createUserAccount(q, tokenHash);
    await postJournal(q, { kind: 'deposit', ref: 'bench', lines: [{ accountId: ledger.sys.lightning, amountMsat: -1_000_000_000_000n }, { accountId: acct.id, amountMsat: 1_000_000_000_000n }] });
  });
  return tokenHash;
}

interface LoopSetup {
  name: string;
  reserveWith: Ledger;
  settleWith: Ledger;
  /** settle without waiting for it, as the route does: the next reserve meets it in the database */
  background: boolean;
  /** PostgreSQL backends to charge CPU to (none on PGlite) */
  pids: number[];
}

async function loop(p: LoopSetup, tokenHash: Buffer, n: number): Promise<SqlFigure> {
  const reserve: number[] = [];
  const settle: number[] = [];
  let pending: Promise<unknown> = Promise.resolve();
  const once = async (record: boolean) => {
    let t = performance.now();
    const r = await p.reserveWith.reserve({ tokenHash, amountMsat: 30_000n, purpose: 'POST /api/v1/openai/v1/chat/completions', expiresAt: 4_000_000_000 });
    if (record) reserve.push(performance.now() - t);
    if (!r.ok) throw new Error('bench account ran dry');
    if (p.background) {
      const holdId = r.holdId;
      pending = pending.then(() => p.settleWith.settle(holdId, 30_000n)); // one connection runs one statement at a time
      await new Promise((resolve) => setImmediate(resolve)); // the upstream call would be here
      return;
    }
    t = performance.now();
    await p.settleWith.settle(r.holdId, 30_000n);
    if (record) settle.push(performance.now() - t);
  };
  for (let i = 0; i < 50; i++) await once(false);
  await pending;
  const cpu = () => p.pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  const backend0 = cpu();
  const client0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await once(true);
  await pending;
  const client = process.cpuUsage(client0);
  const statements = 2 * n;
  return {
    name: p.name,
    reserveMedianMs: quantile(reserve, 0.5),
    reserveP99Ms: quantile(reserve, 0.99),
    settleMedianMs: p.background ? null : quantile(settle, 0.5),
    backendUs: p.pids.length > 0 ? ((cpu() - backend0) * 1e6) / statements : null,
    clientUs: (client.user + client.system) / statements,
  };
}

async function connect(url: string, options: string): Promise<{ client: pg.Client; pid: number }> {
  const u = new URL(url);
  if (options) u.searchParams.set('options', `${u.searchParams.get('options') ?? ''} ${options}`.trim());
  const client = new pg.Client({ connectionString: u.toString(), types: types as pg.CustomTypesConfig });
  await client.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  return { client, pid };
}

const ASYNC = '-c synchronous_commit=off';

export async function measureLedgerSql(n: number): Promise<SqlFigure[]> {
  const figures: SqlFigure[] = [];
  const schema = await createPostgresSchema();
  try {
    const shipped = await openStore({ databaseUrl: schema.url, dataDir: null }); // migrations
    const tokenHash = await fundedToken(shipped, await createLedger(shipped));
    await shipped.close();
    const variants = [
      // [name, named statements, reserve session options, settle session options (null: same session, awaited)]
      ['PostgreSQL as shipped (named statements, durable commit)', true, '', null],
      ['as shipped, settle in the background as the route does', true, '', ''],
      ['what-if: background settle on a synchronous_commit=off session', true, '', ASYNC],
      ['ABL_PG_PREPARED=false (unnamed statements)', false, '', null],
      ['what-if: synchronous_commit=off', true, ASYNC, null],
      ['what-if: unnamed statements + synchronous_commit=off', false, ASYNC, null],
    ] as const;
    for (const [name, named, reserveOptions, settleOptions] of variants) {
      const r = await connect(schema.url, reserveOptions);
      const s = settleOptions === null ? null : await connect(schema.url, settleOptions);
      const reserveDb = clientDb(r.client, named);
      const settleDb = s ? clientDb(s.client, named) : reserveDb;
      figures.push(
        await loop(
          { name, reserveWith: await createLedger(reserveDb), settleWith: await createLedger(settleDb), background: s !== null, pids: s ? [r.pid, s.pid] : [r.pid] },
          tokenHash,
          n,
        ),
      );
      await reserveDb.close();
      if (s) await settleDb.close();
    }
  } finally {
    await schema.drop();
  }
  const dir = mkdtempSync(join(tmpdir(), 'abl-bench-pglite-'));
  try {
    for (const [name, dataDir] of [['PGlite on disk (as the server runs it)', dir], ['PGlite in memory', null]] as const) {
      const db = await openStore({ dataDir });
      const ledger = await createLedger(db);
      figures.push(await loop({ name, reserveWith: ledger, settleWith: ledger, background: false, pids: [] }, await fundedToken(db, ledger), n));
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
