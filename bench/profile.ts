// `npm run bench -- --profile`: V8 CPU profiles of the server (on PostgreSQL) while the token path
// (flat, then metered; JSON, then streamed), then the free path for contrast, are under load — taken in the server process for exactly the
// loaded window — and where its CPU time went. The profile files are kept (Chrome DevTools,
// speedscope). On a crowded machine the profiler's clock also counts time the process waited
// for a CPU inside a system call (writev shows it): compare shares, not absolute times.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concurrent, sequential } from './load.js';
import { buyToken } from './payments.js';
import { loadAverage } from './processes.js';
import { formatSummary, summariseProfile, type CpuProfile } from './profile-summary.js';
import { FREE, freePath, METERED_CHAT_BODY, METERED_STREAM_BODY, STREAM_BODY, TOKEN_PG, TOKEN_PG_METERED, TOKEN_PG_STREAM, TOKEN_PG_STREAM_METERED, tokenPath, type Scenario } from './scenarios.js';
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
  const env = await setUp({ nginx: false, bareProxy: false, pglite: false, asyncCommit: false, unprepared: false, oneByOne: opts.oneByOne, logLevel: opts.logLevel, vacuum: false });
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
    await sequential([token, metered, streamed, streamedMetered, free], { requests: 500, rounds: 1, warmup: 500 }); // JIT warm

    const runs: [string, Scenario, 'sequential' | 'concurrent'][] = [
      ['token-sequential', token, 'sequential'],
      ['token-concurrent', token, 'concurrent'],
      ['metered-sequential', metered, 'sequential'],
      ['metered-concurrent', metered, 'concurrent'],
      ['streamed-concurrent', streamed, 'concurrent'],
      ['streamed-metered-concurrent', streamedMetered, 'concurrent'],
      ['free-concurrent', free, 'concurrent'],
    ];
    for (const [label, row, mode] of runs) {
      const file = join(outDir, `server-${label}.cpuprofile`);
      opts.progress(`profiling ${row.name}, ${mode} (load ${loadAverage()})`);
      await pg.startProfile(200);
      let requests: number;
      if (mode === 'sequential') {
        const samples = await sequential([row], { requests: 3000, rounds: 1, warmup: 0 });
        requests = samples.get(row.name)!.length + 20;
      } else {
        const r = await concurrent(row, { connections: opts.connections, seconds: opts.seconds, warmupSeconds: 0 }, env.upstream.cpuSeconds);
        requests = r.requests;
      }
      await pg.stopProfile(file);
      const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 20);
      console.log(`\n## Server CPU profile: ${row.name}, ${mode} (${file})\n`);
      console.log(formatSummary(summary, requests));
    }
  } finally {
    await env.close();
  }
}
