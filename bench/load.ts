// The two measurements: sequential latency (one request at a time on one keep-alive connection;
// the rows take turns in blocks, so a burst of load from elsewhere on this shared machine hits
// them all alike) and concurrent throughput (C keep-alive connections kept busy for a while).
import { Client, Pool, type Dispatcher } from 'undici';
import { cpuUsed, type CpuReading } from './processes.js';
import type { RequestSpec, Scenario } from './scenarios.js';
import { msSince, quantile } from './stats.js';

/** Sends one request and reads the whole answer; true on a 200. */
async function send(d: Dispatcher, spec: RequestSpec): Promise<{ ok: boolean; detail: string }> {
  const res = await d.request({ method: spec.method, path: spec.path, headers: spec.headers, body: spec.body ?? null });
  const text = await res.body.text();
  return { ok: res.statusCode === 200, detail: res.statusCode === 200 ? '' : `HTTP ${res.statusCode} ${text.slice(0, 300)}` };
}

async function timed(d: Dispatcher, s: Scenario, worker: number): Promise<number | null> {
  const spec = s.next(worker);
  if (!spec) return null;
  const started = process.hrtime.bigint();
  const r = await send(d, spec);
  const ms = msSince(started);
  if (!r.ok) throw new Error(`${s.name}: ${r.detail}`);
  return ms;
}

export interface SequentialOptions {
  /** measured requests per row, split across the rounds */
  requests: number;
  rounds: number;
  /** unmeasured requests per row before the first round */
  warmup: number;
}

/** Latency samples (ms) per row name. */
export async function sequential(scenarios: readonly Scenario[], opts: SequentialOptions): Promise<Map<string, number[]>> {
  const clients = new Map(scenarios.map((s) => [s.name, new Client(s.origin, { keepAliveTimeout: 120_000 })]));
  const samples = new Map(scenarios.map((s) => [s.name, [] as number[]]));
  const perRound = Math.ceil(opts.requests / opts.rounds);
  try {
    for (const s of scenarios) for (let i = 0; i < opts.warmup; i++) await timed(clients.get(s.name)!, s, 0);
    for (let round = 0; round < opts.rounds; round++) {
      const order = scenarios.map((_, i) => scenarios[(i + round) % scenarios.length]!);
      for (const s of order) {
        const client = clients.get(s.name)!;
        for (let i = 0; i < 20; i++) await timed(client, s, 0); // reopen what an idle pool may have closed
        const out = samples.get(s.name)!;
        for (let i = 0; i < perRound; i++) {
          const ms = await timed(client, s, 0);
          if (ms === null) throw new Error(`${s.name}: ran out of credentials`);
          out.push(ms);
        }
      }
    }
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
  return samples;
}

export interface ConcurrentOptions {
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

/** One timed stretch of one row. CPU figures are seconds used during it. */
export interface ConcurrentRound {
  requests: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  latencies: number[];
  /** the process in the middle and its database backends (null for direct rows), the upstream, this client */
  cpu: { proxy: number | null; db: number | null; upstream: number; client: number };
}

export interface ConcurrentResult {
  name: string;
  requests: number;
  errors: number;
  firstError: string | null;
  /** the median of the rounds' requests/s: one round hit by a neighbour's burst does not drag it */
  rps: number;
  /** requests/s of each round, to show the noise */
  rpsByRound: number[];
  medianMs: number;
  p99Ms: number;
  /** CPU µs per request */
  cpuUs: { proxy: number | null; db: number | null; upstream: number; client: number };
  /** the server's and its database's CPU µs per request, round by round (null for direct rows): how much a round moves */
  serverCpuUsByRound: (number | null)[];
}

export function mergeRounds(name: string, rounds: readonly ConcurrentRound[]): ConcurrentResult {
  const sum = (f: (r: ConcurrentRound) => number) => rounds.reduce((t, r) => t + f(r), 0);
  const requests = sum((r) => r.requests);
  const perReq = (seconds: number | null) => (seconds === null || requests === 0 ? null : (seconds * 1e6) / requests);
  const latencies = rounds.flatMap((r) => r.latencies);
  const anyNull = (f: (r: ConcurrentRound) => number | null) => rounds.some((r) => f(r) === null);
  return {
    name,
    requests,
    errors: sum((r) => r.errors),
    firstError: rounds.find((r) => r.firstError)?.firstError ?? null,
    rps: quantile(rounds.map((r) => r.requests / r.seconds), 0.5),
    rpsByRound: rounds.map((r) => r.requests / r.seconds),
    medianMs: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    cpuUs: {
      proxy: anyNull((r) => r.cpu.proxy) ? null : perReq(sum((r) => r.cpu.proxy ?? 0)),
      db: anyNull((r) => r.cpu.db) ? null : perReq(sum((r) => r.cpu.db ?? 0)),
      upstream: perReq(sum((r) => r.cpu.upstream)) ?? Number.NaN,
      client: perReq(sum((r) => r.cpu.client)) ?? Number.NaN,
    },
    serverCpuUsByRound: rounds.map((r) => (r.cpu.proxy === null || r.requests === 0 ? null : ((r.cpu.proxy + (r.cpu.db ?? 0)) * 1e6) / r.requests)),
  };
}

interface Drive {
  requests: number;
  errors: number;
  firstError: string | null;
  latencies: number[];
}

async function drive(pool: Pool, s: Scenario, connections: number, ms: number): Promise<Drive> {
  const out: Drive = { requests: 0, errors: 0, firstError: null, latencies: [] };
  const deadline = performance.now() + ms;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      while (performance.now() < deadline) {
        const spec = s.next(worker);
        if (!spec) return;
        const started = process.hrtime.bigint();
        try {
          const r = await send(pool, spec);
          if (r.ok) {
            out.requests++;
            out.latencies.push(msSince(started));
          } else {
            out.errors++;
            out.firstError ??= r.detail;
          }
        } catch (err) {
          out.errors++;
          out.firstError ??= String(err);
        }
      }
    }),
  );
  return out;
}

/** Keeps `connections` connections busy for `seconds` (after a warm-up that opens them all). */
export async function concurrent(s: Scenario, opts: ConcurrentOptions, upstreamCpu: () => number): Promise<ConcurrentRound> {
  const pool = new Pool(s.origin, { connections: opts.connections, keepAliveTimeout: 120_000 });
  try {
    await drive(pool, s, opts.connections, opts.warmupSeconds * 1000);
    const cpuBefore: CpuReading | undefined = await s.cpu?.();
    const upBefore = upstreamCpu();
    const clientBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const d = await drive(pool, s, opts.connections, opts.seconds * 1000);
    const seconds = msSince(started) / 1000;
    const client = process.cpuUsage(clientBefore);
    const up = upstreamCpu() - upBefore;
    const used = cpuBefore && s.cpu ? cpuUsed(cpuBefore, await s.cpu()) : null;
    return {
      requests: d.requests,
      errors: d.errors,
      firstError: d.firstError,
      seconds,
      latencies: d.latencies,
      cpu: { proxy: used?.proxy ?? null, db: used && used.db > 0 ? used.db : null, upstream: up, client: (client.user + client.system) / 1e6 },
    };
  } finally {
    await pool.close();
  }
}
