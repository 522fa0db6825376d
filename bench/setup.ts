// Starts what every benchmark run needs, each in its own process: the upstream, nginx and a bare
// Node proxy in front of it, the server on PostgreSQL (and on PGlite, on PostgreSQL without
// prepared statements, on PostgreSQL and PGlite one reservation per call, and — a what-if — without
// durable commits), and the development node that issues and pays the invoices (idle while
// anything is timed). Every server runs the bench catalog (bench/catalog.ts): the shipped one
// plus a flat chat model beside the metered ones.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { TEST_DATABASE_URL } from '../server/store/testing.js';
import type { TestDevnode } from '../server/testing/harness.js';
import { startAblServer, type AblServer } from './abl-server.js';
import { writeBenchCatalog } from './catalog.js';
import { startNginx, type Nginx } from './nginx.js';
import { cpuSecondsOf, freePort, probeProfiler, spawnChild, waitUntilAnswering, type CpuReading, type ProbeProfiler } from './processes.js';
import { PRICE_SATS } from './scenarios.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchEnv {
  dir: string;
  /** the catalog every server runs: config.yaml plus a flat chat model (bench/catalog.ts) */
  config: string;
  upstream: { url: string; cpuSeconds(): number };
  devnode: TestDevnode;
  nginx: Nginx | null;
  /** a bare node:http + undici proxy: the Node floor */
  bareProxy: FloorProxy | null;
  /** a Fastify proxy that takes no payment (started with the bare proxy): the floor of this server's own stack */
  fastifyProxy: FloorProxy | null;
  postgres: AblServer;
  pglite: AblServer | null;
  /** PostgreSQL with synchronous_commit=off: what the WAL flush on each commit costs */
  asyncCommit: AblServer | null;
  /** PostgreSQL with ABL_PG_PREPARED=false: what prepared statements save */
  unprepared: AblServer | null;
  /** PostgreSQL and (with pglite) PGlite with ABL_RESERVE_AHEAD=0, one reservation per call (as PostgreSQL serves with several instances): what serving calls from holds reserved ahead saves */
  oneByOne: { postgres: AblServer; pglite: AblServer | null } | null;
  /** this PostgreSQL runs without autovacuum: the bench vacuums each PostgreSQL server's tables before its timed stretches */
  vacuum: boolean;
  /** --base: the same servers run from another checkout */
  base: { postgres: AblServer; pglite: AblServer | null } | null;
  notes: string[];
  close(): Promise<void>;
}

/** A floor proxy in its own process: its address, its CPU, and a V8 profile of a window (as AblServer's) */
export interface FloorProxy extends ProbeProfiler {
  url: string;
  cpu(): Promise<CpuReading>;
}

export interface SetupOptions {
  nginx: boolean;
  bareProxy: boolean;
  /** the Fastify proxy with no payment; default: with the bare proxy */
  fastifyProxy?: boolean;
  pglite: boolean;
  asyncCommit: boolean;
  unprepared: boolean;
  oneByOne: boolean;
  logLevel: string;
  /** vacuum as autovacuum would when the PostgreSQL here has it off (--no-vacuum: never) */
  vacuum: boolean;
  /** another checkout to serve the base rows from (its PostgreSQL and, with pglite, PGlite servers) */
  base?: string | undefined;
}

export async function setUp(opts: SetupOptions): Promise<BenchEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'abl-bench-'));
  const notes: string[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => console.error('close:', err));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = writeBenchCatalog(dir, PRICE_SATS);
    const upstreamPort = await freePort();
    const upLog = join(dir, 'upstream.log');
    const up = spawnChild(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'upstream.ts'), String(upstreamPort)], { cwd: ROOT, logFile: upLog });
    closers.push(() => up.stop());
    const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
    await waitUntilAnswering(`${upstreamUrl}/v1/models`, up, upLog);

    const devnode = await startDevnode(dir);
    closers.push(() => devnode.close());

    let nginx: Nginx | null = null;
    if (opts.nginx) {
      const started = await startNginx(upstreamPort, dir);
      if ('missing' in started) notes.push(started.missing);
      else {
        nginx = started;
        closers.push(() => started.close());
      }
    }

    // a proxy of our own in its own process: the bare Node proxy, or the Fastify proxy with no payment (profiled as the server is: bench/probe.ts)
    const floorProxy = async (file: string, ...args: string[]): Promise<FloorProxy> => {
      const port = await freePort();
      const log = join(dir, file.replace(/\.ts$/, '.log'));
      const probe = pathToFileURL(join(ROOT, 'bench', 'probe.ts')).href;
      const child = spawnChild(process.execPath, ['--import', 'tsx', '--import', probe, join(ROOT, 'bench', file), String(port), upstreamUrl, ...args], { cwd: ROOT, logFile: log, ipc: true });
      closers.push(() => child.stop());
      const url = `http://127.0.0.1:${port}`;
      await waitUntilAnswering(`${url}/v1/models`, child, log);
      return { url, cpu: async () => ({ proxy: cpuSecondsOf(child.pid), db: new Map() }), ...probeProfiler(child) };
    };
    const bareProxy = opts.bareProxy ? await floorProxy('bare-proxy.ts') : null;
    const fastifyProxy = (opts.fastifyProxy ?? opts.bareProxy) ? await floorProxy('fastify-proxy.ts', config) : null;

    const common = { upstreamUrl, devnode, dir, config, logLevel: opts.logLevel };
    const postgres = await startAblServer({ store: 'postgres', ...common });
    closers.push(() => postgres.close());
    let pglite: AblServer | null = null;
    if (opts.pglite) {
      pglite = await startAblServer({ store: 'pglite', ...common });
      closers.push(() => pglite!.close());
    }
    let asyncCommit: AblServer | null = null;
    if (opts.asyncCommit) {
      asyncCommit = await startAblServer({ store: 'postgres', pgOptions: '-c synchronous_commit=off', ...common });
      closers.push(() => asyncCommit!.close());
    }
    let unprepared: AblServer | null = null;
    if (opts.unprepared) {
      unprepared = await startAblServer({ store: 'postgres', env: { ABL_PG_PREPARED: 'false' }, ...common });
      closers.push(() => unprepared!.close());
    }
    let oneByOne: BenchEnv['oneByOne'] = null;
    if (opts.oneByOne) {
      const pgOneByOne = await startAblServer({ store: 'postgres', env: { ABL_RESERVE_AHEAD: '0' }, ...common });
      closers.push(() => pgOneByOne.close());
      const liteOneByOne = opts.pglite ? await startAblServer({ store: 'pglite', env: { ABL_RESERVE_AHEAD: '0' }, ...common }) : null;
      if (liteOneByOne) closers.push(() => liteOneByOne.close());
      oneByOne = { postgres: pgOneByOne, pglite: liteOneByOne };
    }
    let base: BenchEnv['base'] = null;
    if (opts.base) {
      const basePg = await startAblServer({ store: 'postgres', root: opts.base, ...common });
      closers.push(() => basePg.close());
      const baseLite = opts.pglite ? await startAblServer({ store: 'pglite', root: opts.base, ...common }) : null;
      if (baseLite) closers.push(() => baseLite.close());
      base = { postgres: basePg, pglite: baseLite };
    }
    const vacuum = opts.vacuum && !(await autovacuumOn());
    if (vacuum) {
      notes.push(
        'this PostgreSQL runs with autovacuum off, where a production server runs it (migration 022 tunes it for the tables every paid call updates): the bench vacuums each PostgreSQL server\'s tables before the sequential rows and before each of its concurrent rounds, untimed, as pgbench does before its runs (`--no-vacuum`: never). PGlite has no autovacuum and is never vacuumed',
      );
    }
    return { dir, config, vacuum, upstream: { url: upstreamUrl, cpuSeconds: () => cpuSecondsOf(up.pid) }, devnode, nginx, bareProxy, fastifyProxy, postgres, pglite, asyncCommit, unprepared, oneByOne, base, notes, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function autovacuumOn(): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return (await c.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum === 'on';
  } finally {
    await c.end();
  }
}

/** The development node in its own process (`npm run devnode`): signing invoices costs CPU. */
async function startDevnode(dir: string): Promise<TestDevnode> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const logFile = join(dir, 'devnode.log');
  const child = spawnChild(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'lightning', 'devnode', 'cli.ts'), '--host', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, DEVNODE_PASSWORD: password },
    logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(url, child, logFile);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { url, password, nodeId: '', close: async () => void (await child.stop()) };
}
