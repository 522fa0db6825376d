// `npm run bench`: the proxy's overhead against a direct call and against nginx, in one run on
// this machine. Prints markdown tables of figures beside design.md's targets (nothing fails).
//   npm run bench                     the full run (about ten minutes)
//   npm run bench -- --quick          a short smoke run
//   npm run bench -- --profile        CPU profiles of the server (token path, free path) instead
//                                     (--one-by-one: of the PostgreSQL server with ABL_RESERVE_AHEAD=0)
//   npm run bench -- --bytes          only the storage per paid call (compact journal against before 017)
//   npm run bench -- --history N      what history costs: paid call, scrape, audits and bytes per call
//                                     on an empty store and after N synthetic calls (--history-calls M)
// Options: --requests N --rounds N --connections N --seconds N --conc-rounds N --streams N
//   --waves N --chunk-ms N --l402-max N --log-level L --json FILE
//   --no-nginx --no-bare (nor the Fastify proxy with no payment) --no-pglite --no-unprepared --no-one-by-one --no-async-commit --no-memory --no-sql
//   --no-verify --no-streamed --no-vacuum
//   --no-one-by-one   without PostgreSQL and PGlite with ABL_RESERVE_AHEAD=0 (one reservation per call), and their rows
//   --no-vacuum       never VACUUM (by default, when this PostgreSQL runs without autovacuum, each
//                     PostgreSQL server's tables are vacuumed before the sequential rows and before
//                     each of its concurrent rounds, untimed, as pgbench does)
//   --only-streamed   only the streamed pair (flat, metered) beside the streamed direct row and the streamed floor pair
//   --base DIR        the token, L402 and streamed rows again, served from another checkout (e.g. the
//                     commit before a change): before and after in one run, their rows taking turns
// Paid rows come in pairs where metering is measured: a flat call (gpt-4o-mini-flat, 30 sats,
// added by bench/catalog.ts) and the same call metered (gpt-4o-mini, as shipped), same server.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { concurrent, mergeRounds, sequential, type ConcurrentRound } from './load.js';
import { measureJournalBytes } from './journal-bytes.js';
import { historyTable, runHistoryBench } from './history.js';
import { measureLedgerSql } from './ledger-sql.js';
import { measureRowsFloor } from './rows-floor.js';
import { buyToken, mintL402 } from './payments.js';
import { loadAverage, machine } from './processes.js';
import { runProfile } from './profile.js';
import { bytesTable, report, type BenchResults } from './report.js';
import * as rows from './scenarios.js';
import { setUp } from './setup.js';
import type { AblServer } from './abl-server.js';
import { memoryUnderStreams } from './streams.js';
import { runVerifyBench } from './verify.js';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    bytes: { type: 'boolean', default: false },
    history: { type: 'string' },
    'history-calls': { type: 'string' },
    requests: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    seconds: { type: 'string' },
    'conc-rounds': { type: 'string' },
    streams: { type: 'string' },
    waves: { type: 'string' },
    'chunk-ms': { type: 'string' },
    'l402-max': { type: 'string' },
    'log-level': { type: 'string' },
    'no-nginx': { type: 'boolean', default: false },
    'no-bare': { type: 'boolean', default: false },
    'no-pglite': { type: 'boolean', default: false },
    'no-unprepared': { type: 'boolean', default: false },
    'no-one-by-one': { type: 'boolean', default: false },
    'one-by-one': { type: 'boolean', default: false },
    'no-async-commit': { type: 'boolean', default: false },
    'no-memory': { type: 'boolean', default: false },
    'no-sql': { type: 'boolean', default: false },
    'no-verify': { type: 'boolean', default: false },
    'no-streamed': { type: 'boolean', default: false },
    'no-vacuum': { type: 'boolean', default: false },
    'only-streamed': { type: 'boolean', default: false },
    json: { type: 'string' },
    base: { type: 'string' },
  },
});
const n = (v: string | undefined, full: number, quick: number): number => (v !== undefined ? Number(v) : a.quick ? quick : full);
const opts = {
  requests: n(a.requests, 2000, 300),
  rounds: n(a.rounds, 4, 2),
  warmup: n(a.warmup, 200, 50),
  connections: n(a.connections, 50, 50),
  seconds: n(a.seconds, 3, 1),
  concRounds: n(a['conc-rounds'], 3, 1),
  streams: n(a.streams, 1000, 200),
  waves: n(a.waves, 3, 2),
  chunkMs: n(a['chunk-ms'], 400, 100),
  chunks: 20,
  /** at most this many L402 credentials minted (untimed) for one concurrent round */
  l402Max: n(a['l402-max'], 4000, 1000),
  logLevel: a['log-level'] ?? 'warn',
};
const progress = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

async function main(): Promise<void> {
  if (a.bytes) return void console.log(bytesTable(await measureJournalBytes(a.quick ? 500 : 2000)).join('\n'));
  if (a.profile) return runProfile({ seconds: n(a.seconds, 15, 5), connections: opts.connections, logLevel: opts.logLevel, oneByOne: a['one-by-one'] === true, progress });
  if (a.history !== undefined) {
    const history = Number(a.history);
    if (!Number.isInteger(history) || history < 1) throw new Error('--history takes a number of calls, e.g. --history 2000000');
    const result = await runHistoryBench({ history, calls: n(a['history-calls'], 500, 100), progress });
    console.log(historyTable(result));
    if (a.json) writeFileSync(a.json, JSON.stringify(result, null, 2));
    return;
  }

  const only = a['only-streamed'];
  const load: [string, string][] = [['start', loadAverage()]];
  const env = await setUp({ nginx: !only && !a['no-nginx'], bareProxy: !only && !a['no-bare'], fastifyProxy: !a['no-bare'], pglite: !only && !a['no-pglite'], asyncCommit: !only && !a['no-async-commit'], unprepared: !only && !a['no-unprepared'], oneByOne: !only && !a['no-one-by-one'], logLevel: opts.logLevel, vacuum: !a['no-vacuum'], base: a.base });
  // whatever throws, the children (servers, nginx, upstream, devnode) and the schemas go with us
  const bail = (err: unknown) => {
    console.error(err);
    void env.close().finally(() => process.exit(1));
  };
  process.once('uncaughtException', bail);
  process.once('unhandledRejection', bail);
  try {
    progress('buying tokens and minting L402 credentials (untimed)');
    const perRequest = rows.PRICE_SATS;
    // a sequential token pays a flat JSON row and, on PostgreSQL, a flat streamed row (metered calls cost msats)
    const seqSats = 2 * (opts.warmup + opts.requests + opts.rounds * 20 + 100) * perRequest;
    const workerSats = 200_000;
    const tokensFor = async (url: string, extraSats: number) => {
      const seq = await buyToken(url, env.devnode, seqSats + extraSats);
      const workers: string[] = [];
      for (let i = 0; i < opts.connections; i++) workers.push(await buyToken(url, env.devnode, workerSats));
      return { seq, workers };
    };
    const memorySats = (opts.waves * opts.streams + 100) * perRequest;
    const pgTokens = await tokensFor(env.postgres.url, memorySats);
    const liteTokens = env.pglite ? await tokensFor(env.pglite.url, 0) : null;
    const asyncTokens = env.asyncCommit ? await tokensFor(env.asyncCommit.url, 0) : null;
    const unpreparedTokens = env.unprepared ? await tokensFor(env.unprepared.url, 0) : null;
    const oneByOneTokens = env.oneByOne ? { pg: await tokensFor(env.oneByOne.postgres.url, 0), lite: env.oneByOne.pglite ? await tokensFor(env.oneByOne.pglite.url, 0) : null } : null;
    const baseTokens = env.base ? { pg: await tokensFor(env.base.postgres.url, 0), lite: env.base.pglite ? await tokensFor(env.base.pglite.url, 0) : null } : null;
    const chatCall = { path: rows.PROXY_PREFIX + rows.CHAT_PATH, body: rows.CHAT_BODY };
    const started = Date.now();
    const seqCreds = only ? [] : await mintL402(env.postgres.url, env.devnode, chatCall, opts.warmup + opts.requests + opts.rounds * 20);
    const mintPerSecond = (seqCreds.length * 1000) / (Date.now() - started);
    progress(`minted ${seqCreds.length} L402 credentials (${Math.round(mintPerSecond)}/s)`);
    const baseSeqCreds = env.base && !only ? await mintL402(env.base.postgres.url, env.devnode, chatCall, opts.warmup + opts.requests + opts.rounds * 20) : [];

    const pg = env.postgres;
    // the token-path rows: sequential rows pay with one token, concurrent worker i with its own
    type Paid = { name: string; server: AblServer; tokens: { seq: string; workers: string[] }; body: string };
    const paid: Paid[] = [];
    if (!only) {
      if (env.pglite && liteTokens) {
        paid.push({ name: rows.TOKEN_PGLITE, server: env.pglite, tokens: liteTokens, body: rows.CHAT_BODY });
        paid.push({ name: rows.TOKEN_PGLITE_METERED, server: env.pglite, tokens: liteTokens, body: rows.METERED_CHAT_BODY });
      }
      paid.push({ name: rows.TOKEN_PG, server: pg, tokens: pgTokens, body: rows.CHAT_BODY });
      paid.push({ name: rows.TOKEN_PG_METERED, server: pg, tokens: pgTokens, body: rows.METERED_CHAT_BODY });
      if (env.unprepared && unpreparedTokens) paid.push({ name: rows.TOKEN_PG_UNPREPARED, server: env.unprepared, tokens: unpreparedTokens, body: rows.CHAT_BODY });
      if (env.asyncCommit && asyncTokens) paid.push({ name: rows.TOKEN_PG_ASYNC, server: env.asyncCommit, tokens: asyncTokens, body: rows.CHAT_BODY });
      if (env.oneByOne && oneByOneTokens) {
        if (env.oneByOne.pglite && oneByOneTokens.lite) paid.push({ name: rows.TOKEN_PGLITE_ONE_BY_ONE, server: env.oneByOne.pglite, tokens: oneByOneTokens.lite, body: rows.CHAT_BODY });
        paid.push({ name: rows.TOKEN_PG_ONE_BY_ONE, server: env.oneByOne.postgres, tokens: oneByOneTokens.pg, body: rows.CHAT_BODY });
        paid.push({ name: rows.TOKEN_PG_ONE_BY_ONE_METERED, server: env.oneByOne.postgres, tokens: oneByOneTokens.pg, body: rows.METERED_CHAT_BODY });
      }
      if (env.base && baseTokens) {
        paid.push({ name: rows.BASE(rows.TOKEN_PG), server: env.base.postgres, tokens: baseTokens.pg, body: rows.CHAT_BODY });
        paid.push({ name: rows.BASE(rows.TOKEN_PG_METERED), server: env.base.postgres, tokens: baseTokens.pg, body: rows.METERED_CHAT_BODY });
        if (env.base.pglite && baseTokens.lite) {
          paid.push({ name: rows.BASE(rows.TOKEN_PGLITE), server: env.base.pglite, tokens: baseTokens.lite, body: rows.CHAT_BODY });
          paid.push({ name: rows.BASE(rows.TOKEN_PGLITE_METERED), server: env.base.pglite, tokens: baseTokens.lite, body: rows.METERED_CHAT_BODY });
        }
      }
    }
    const paidRow = (p: Paid, tokens: string[]) => rows.tokenPath(p.name, p.server.url, tokens, p.server.cpu, p.body);

    const scenarioRows: rows.Scenario[] = only ? [] : [rows.direct(env.upstream.url)];
    if (env.nginx) scenarioRows.push(rows.nginx(env.nginx.url, env.nginx.cpu));
    if (env.bareProxy) scenarioRows.push(rows.bareNode(env.bareProxy.url, env.bareProxy.cpu));
    const floor = env.fastifyProxy;
    if (floor && !only) scenarioRows.push(rows.fastifyFloor(floor.url, floor.cpu), rows.fastifyFloor(floor.url, floor.cpu, rows.FASTIFY_FLOOR_METERED, rows.METERED_CHAT_BODY));
    for (const p of paid) scenarioRows.push(paidRow(p, [p.tokens.seq]));
    if (!only) scenarioRows.push(rows.l402Path(rows.L402, pg.url, seqCreds, pg.cpu));
    // each L402 row spends credentials minted on its own server: [row, server, pool]
    const l402Rows: [string, AblServer, string[]][] = [[rows.L402, pg, seqCreds]];
    if (env.base && !only) {
      scenarioRows.push(rows.l402Path(rows.BASE(rows.L402), env.base.postgres.url, baseSeqCreds, env.base.postgres.cpu));
      l402Rows.push([rows.BASE(rows.L402), env.base.postgres, baseSeqCreds]);
    }
    if (!a['no-streamed']) {
      const streamed: Paid[] = [
        { name: rows.TOKEN_PG_STREAM, server: pg, tokens: pgTokens, body: rows.STREAM_BODY },
        { name: rows.TOKEN_PG_STREAM_METERED, server: pg, tokens: pgTokens, body: rows.METERED_STREAM_BODY },
      ];
      if (env.base && baseTokens) {
        streamed.push(
          { name: rows.BASE(rows.TOKEN_PG_STREAM), server: env.base.postgres, tokens: baseTokens.pg, body: rows.STREAM_BODY },
          { name: rows.BASE(rows.TOKEN_PG_STREAM_METERED), server: env.base.postgres, tokens: baseTokens.pg, body: rows.METERED_STREAM_BODY },
        );
      }
      paid.push(...streamed);
      scenarioRows.push(rows.directStream(env.upstream.url));
      if (floor) scenarioRows.push(rows.fastifyFloor(floor.url, floor.cpu, rows.FASTIFY_FLOOR_STREAM, rows.STREAM_BODY), rows.fastifyFloor(floor.url, floor.cpu, rows.FASTIFY_FLOOR_STREAM_METERED, rows.METERED_STREAM_BODY));
      scenarioRows.push(...streamed.map((p) => paidRow(p, [p.tokens.seq])));
    }
    if (!only) scenarioRows.push(rows.directModels(env.upstream.url), rows.freePath(rows.FREE, pg.url, pg.cpu));

    // the server each timed row goes through, to vacuum it first (setup.ts, when autovacuum is off)
    const serverOf = new Map<string, AblServer>([...paid.map((p) => [p.name, p.server] as const), ...l402Rows.map(([name, server]) => [name, server] as const), [rows.FREE, pg]]);
    const vacuumed = async (servers: Iterable<AblServer>) => {
      if (env.vacuum) for (const server of new Set(servers)) await server.vacuum();
    };
    await vacuumed(serverOf.values());
    load.push(['before sequential', loadAverage()]);
    progress(`sequential: ${opts.requests} requests per row in ${opts.rounds} rounds`);
    const seq = await sequential(scenarioRows, { requests: opts.requests, rounds: opts.rounds, warmup: opts.warmup });

    // concurrent: worker i pays with its own token (many clients, not one hot account)
    const concRows = scenarioRows.map((s) => {
      const p = paid.find((x) => x.name === s.name);
      return p ? paidRow(p, p.tokens.workers) : s;
    });
    load.push(['before concurrent', loadAverage()]);
    progress(`concurrent: ${opts.connections} connections, ${opts.concRounds} × ${opts.seconds} s per row`);
    const rounds = new Map<string, ConcurrentRound[]>(concRows.map((s) => [s.name, []]));
    let bestPaidRps = 0;
    for (let r = 0; r < opts.concRounds; r++) {
      for (let i = 0; i < concRows.length; i++) {
        const s = concRows[(i + r) % concRows.length]!;
        const l402 = l402Rows.find(([name]) => name === s.name);
        if (l402) {
          // one credential per request: mint enough for this round (untimed), from the paid rate seen so far
          const [, server, pool] = l402;
          const need = Math.min(opts.l402Max, Math.ceil(Math.max(bestPaidRps, 1000) * (opts.seconds + 1) * 1.3)) - pool.length;
          if (need > 0) pool.push(...(await mintL402(server.url, env.devnode, chatCall, need)));
        }
        const server = serverOf.get(s.name);
        if (server) await vacuumed([server]);
        const round = await concurrent(s, { connections: opts.connections, seconds: opts.seconds, warmupSeconds: 1 }, env.upstream.cpuSeconds);
        rounds.get(s.name)!.push(round);
        const rps = round.requests / round.seconds;
        if (s.name === rows.TOKEN_PG) bestPaidRps = Math.max(bestPaidRps, rps);
        progress(`  ${s.name}: ${Math.round(rps)} req/s${round.errors ? `, ${round.errors} errors: ${round.firstError}` : ''}`);
      }
    }
    const conc = concRows.map((s) => mergeRounds(s.name, rounds.get(s.name)!));

    let streams = null;
    if (!only && !a['no-memory']) {
      load.push(['before memory', loadAverage()]);
      progress(`memory: ${opts.waves} waves of ${opts.streams} concurrent streams`);
      streams = await memoryUnderStreams(pg, pgTokens.seq, { streams: opts.streams, waves: opts.waves, chunks: opts.chunks, chunkMs: opts.chunkMs, rampMs: a.quick ? 500 : 3000 });
    }
    let sql = null;
    let bytes = null;
    let rowsFloorUs = null;
    if (!only && !a['no-sql']) {
      load.push(['before store', loadAverage()]);
      progress('store: the ledger\'s reserve and settle alone');
      sql = await measureLedgerSql(a.quick ? 150 : 500);
      progress('store: bytes per paid call');
      bytes = await measureJournalBytes(a.quick ? 500 : 2000);
      progress('store: the rows a paid call must write, alone');
      rowsFloorUs = await measureRowsFloor(a.quick ? 50 : 150);
    }
    let verify = null;
    if (!only && !a['no-verify']) {
      progress('L402 verification (server/l402/verify.bench.ts)');
      verify = await runVerifyBench();
    }
    load.push(['end', loadAverage()]);

    const results: BenchResults = {
      date: new Date().toISOString(),
      machine: machine(),
      nginxVersion: env.nginx?.version ?? null,
      settings: { ...opts, l402MintPerSecond: Math.round(mintPerSecond) },
      load,
      rows: scenarioRows,
      sequential: seq,
      concurrent: conc,
      streams,
      sql,
      bytes,
      rowsFloorUs,
      verify,
      notes: env.notes,
    };
    console.log(report(results));
    if (a.json) writeFileSync(a.json, JSON.stringify({ ...results, sequential: Object.fromEntries(seq), rows: scenarioRows.map((s) => s.name) }, null, 1));
  } finally {
    await env.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
