// `npm run bench -- --profile`: V8 CPU profiles of the server (on PostgreSQL) while the token path
// (flat, then metered; JSON, then streamed), then the free path for contrast, are under load — taken in the server process for exactly the
// loaded window — and where its CPU time went; then the Fastify proxy that takes no payment under
// the same load, and what the token path's server spends beyond it, component by component and
// function by function (the payment's share of the server), and what a metered call costs it beyond the same call flat. The profile files are kept (Chrome
// DevTools, speedscope). On a crowded machine the profiler's clock also counts time the process
// waited for a CPU inside a system call (writev shows it): compare shares, not absolute times.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concurrent, sequential } from './load.js';
import { buyToken } from './payments.js';
import { loadAverage, type ProbeProfiler } from './processes.js';
import { formatComparison, formatSummary, summariseProfile, type CpuProfile, type ProfiledRun } from './profile-summary.js';
import { FASTIFY_FLOOR, fastifyFloor, FREE, freePath, METERED_CHAT_BODY, METERED_STREAM_BODY, STREAM_BODY, TOKEN_PG, TOKEN_PG_METERED, TOKEN_PG_STREAM, TOKEN_PG_STREAM_METERED, tokenPath, type Scenario } from './scenarios.js';
import { setUp } from './setup.js';

export interface ProfileOptions {
  seconds: number;
  connections: number;
  logLevel: string;
  /** profile the PostgreSQL server one reservation per call (ABL_RESERVE_AHEAD=0) instead of as shipped (reserving ahead, one instance) */
  oneByOne: boolean;
  progress(msg: string): void;
}

export async function runProfile(opts: ProfileOptions): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'abl-profile-'));
  // and the Fastify proxy that takes no payment, which the token path is compared with
  const env = await setUp({ nginx: false, bareProxy: false, fastifyProxy: true, pglite: false, asyncCommit: false, unprepared: false, oneByOne: opts.oneByOne, logLevel: opts.logLevel, vacuum: false });
  try {
    const pg = env.oneByOne?.postgres ?? env.postgres;
    if (opts.oneByOne) opts.progress('profiling the PostgreSQL server one reservation per call (ABL_RESERVE_AHEAD=0)');
    const tokens: string[] = [];
    for (let i = 0; i < opts.connections; i++) tokens.push(await buyToken(pg.url, env.devnode, 400_000)); // tokens[0] also pays every sequential row
    const token = tokenPath(TOKEN_PG, pg.url, tokens, pg.cpu);
    const metered = tokenPath(TOKEN_PG_METERED, pg.url, tokens, pg.cpu, METERED_CHAT_BODY);
    const streamed = tokenPath(TOKEN_PG_STREAM, pg.url, tokens, pg.cpu, STREAM_BODY);
    const streamedMetered = tokenPath(TOKEN_PG_STREAM_METERED, pg.url, tokens, pg.cpu, METERED_STREAM_BODY);
    const free = freePath(FREE, pg.url, pg.cpu);
    const fastify = env.fastifyProxy!;
    const floor = fastifyFloor(fastify.url, fastify.cpu);
    await sequential([token, metered, streamed, streamedMetered, free, floor], { requests: 500, rounds: 1, warmup: 500 }); // JIT warm

    // [label, row, mode, the process profiled]
    const runs: [string, Scenario, 'sequential' | 'concurrent', ProbeProfiler][] = [
      ['token-sequential', token, 'sequential', pg],
      ['token-concurrent', token, 'concurrent', pg],
      ['metered-sequential', metered, 'sequential', pg],
      ['metered-concurrent', metered, 'concurrent', pg],
      ['streamed-concurrent', streamed, 'concurrent', pg],
      ['streamed-metered-concurrent', streamedMetered, 'concurrent', pg],
      ['free-concurrent', free, 'concurrent', pg],
      ['fastify-floor-concurrent', floor, 'concurrent', fastify],
    ];
    // the concurrent runs, for the comparison
    const profiled = new Map<string, ProfiledRun>();
    for (const [label, row, mode, proc] of runs) {
      const who = proc === pg ? 'server' : 'floor';
      const file = join(outDir, `${who}-${label}.cpuprofile`);
      opts.progress(`profiling ${row.name}, ${mode} (load ${loadAverage()})`);
      await proc.startProfile(200);
      let requests: number;
      let cpuSeconds: number | null = null;
      if (mode === 'sequential') {
        const samples = await sequential([row], { requests: 3000, rounds: 1, warmup: 0 });
        requests = samples.get(row.name)!.length + 20;
      } else {
        const r = await concurrent(row, { connections: opts.connections, seconds: opts.seconds, warmupSeconds: 0 }, env.upstream.cpuSeconds);
        requests = r.requests;
        cpuSeconds = r.cpu.proxy;
      }
      await proc.stopProfile(file);
      const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
      if (cpuSeconds !== null) profiled.set(label, { name: row.name, profile, requests, cpuSeconds });
      console.log(`\n## ${who === 'server' ? 'Server' : 'Floor proxy'} CPU profile: ${row.name}, ${mode} (${file})\n`);
      console.log(formatSummary(summariseProfile(profile, 20), requests));
    }
    console.log(`\n## What the payment costs the server: ${TOKEN_PG} against ${FASTIFY_FLOOR}, concurrent\n`);
    console.log(formatComparison(profiled.get('token-concurrent')!, profiled.get('fastify-floor-concurrent')!));
    // and what a metered call costs the server beyond the same call flat (the target's ratio, the server's part)
    for (const [meteredRun, flatRun] of [['metered-concurrent', 'token-concurrent'], ['streamed-metered-concurrent', 'streamed-concurrent']] as const) {
      const m = profiled.get(meteredRun)!;
      const f = profiled.get(flatRun)!;
      console.log(`\n## What metering costs the server: ${m.name} against ${f.name}, concurrent\n`);
      console.log(formatComparison(m, f));
    }
  } finally {
    await env.close();
  }
}
