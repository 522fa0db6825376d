// The proxy under test in its own process (`node --import tsx server/main.ts`, as `npm start`
// runs it), so its CPU time is its own: on PGlite in a temporary data dir, or on a fresh
// PostgreSQL schema. Paid through the benchmark's development node, upstream = the bench upstream.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import type { TestDevnode } from '../server/testing/harness.js';
import { createPostgresSchema, TEST_DATABASE_URL } from '../server/store/testing.js';
import { askProbe, cpuSecondsOf, freePort, probeProfiler, spawnChild, waitUntilAnswering, type CpuReading, type ProbeProfiler } from './processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const UPSTREAM_KEY = 'sk-bench-upstream-key';

export interface AblServer extends ProbeProfiler {
  store: 'pglite' | 'postgres';
  url: string;
  pid: number;
  logFile: string;
  /** the server's process.memoryUsage(), after a full GC when gc is true */
  memory(gc?: boolean): Promise<NodeJS.MemoryUsage>;
  /** CPU seconds used so far: the server process, and each of its PostgreSQL backends */
  cpu(): Promise<CpuReading>;
  /** VACUUM (ANALYZE) of the server's PostgreSQL tables, what autovacuum would have done by now (PGlite: nothing, it has no autovacuum) */
  vacuum(): Promise<void>;
  close(): Promise<void>;
}

export interface AblServerOptions {
  store: 'pglite' | 'postgres';
  upstreamUrl: string;
  devnode: TestDevnode;
  dir: string;
  /** the catalog the server runs (ABL_CONFIG): the bench's own, bench/catalog.ts */
  config: string;
  logLevel: string;
  /** PostgreSQL settings for the server's sessions, e.g. "-c synchronous_commit=off" */
  pgOptions?: string;
  /** more settings for the server, e.g. { ABL_PG_PREPARED: 'false' } */
  env?: Record<string, string>;
  /** another checkout of the project to run the server from (the --base rows); default this one */
  root?: string;
}

export async function startAblServer(opts: AblServerOptions): Promise<AblServer> {
  const appName = `abl-bench-${randomBytes(4).toString('hex')}`;
  const dataDir = join(opts.dir, `data-${appName}`);
  mkdirSync(dataDir, { recursive: true });
  const schema = opts.store === 'postgres' ? await createPostgresSchema() : null;
  let databaseUrl: string | undefined;
  if (schema) {
    const u = new URL(schema.url);
    u.searchParams.set('application_name', appName); // finds the server's backends for CPU accounting
    if (opts.pgOptions) u.searchParams.set('options', `${u.searchParams.get('options') ?? ''} ${opts.pgOptions}`.trim());
    databaseUrl = u.toString();
  }
  const port = await freePort();
  const logFile = join(opts.dir, `server-${opts.store}-${appName}.log`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    ABL_CONFIG: opts.config,
    ABL_DATA_DIR: dataDir,
    PHOENIXD_URL: opts.devnode.url,
    PHOENIXD_PASSWORD: opts.devnode.password,
    LOG_LEVEL: opts.logLevel,
    ABL_RATE_LIMIT: '0',
    L402_ROOT_KEY: randomBytes(32).toString('hex'),
    OPENAI_BASE_URL: opts.upstreamUrl,
    OPENAI_API_KEY: UPSTREAM_KEY,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.env,
  };
  const root = opts.root ?? ROOT;
  const probe = pathToFileURL(join(ROOT, 'bench', 'probe.ts')).href;
  const args = ['--expose-gc', '--import', 'tsx', '--import', probe, join(root, 'server', 'main.ts')];
  const child = spawnChild(process.execPath, args, { env, cwd: root, logFile, ipc: true });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(`${url}/api/v1/health`, child, logFile);
  } catch (err) {
    await child.stop();
    await schema?.drop();
    throw err;
  }

  const admin = schema ? new pg.Client({ connectionString: TEST_DATABASE_URL }) : null;
  await admin?.connect();
  const dbPids = async (): Promise<number[]> => {
    if (!admin) return [];
    const res = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [appName]);
    return res.rows.map((r) => r.pid);
  };

  return {
    store: opts.store,
    url,
    pid: child.pid,
    logFile,
    memory: async (gc = false) => (await askProbe<{ memory: NodeJS.MemoryUsage }>(child, { cmd: 'memory', gc })).memory,
    ...probeProfiler(child),
    async cpu() {
      const db = await dbPids();
      return { proxy: cpuSecondsOf(child.pid), db: new Map(db.map((pid) => [pid, cpuSecondsOf(pid)])) };
    },
    async vacuum() {
      if (!schema) return;
      const c = new pg.Client({ connectionString: schema.url });
      await c.connect();
      try {
        const tables = await c.query<{ t: string }>(`SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = current_schema()`);
        if (tables.rows.length > 0) await c.query(`VACUUM (ANALYZE) ${tables.rows.map((r) => r.t).join(', ')}`);
      } finally {
        await c.end();
      }
    },
    async close() {
      await child.stop();
      await admin?.end();
      await schema?.drop();
    },
  };
}
