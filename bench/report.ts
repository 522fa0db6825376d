// The benchmark's answer: markdown tables of figures beside the targets of design.md
// ("Performance targets"). Figures only: nothing here fails the run.
import type { ConcurrentResult } from './load.js';
import {
  BARE_NODE,
  FASTIFY_FLOOR,
  DIRECT,
  FLOOR_OF_PAIR,
  L402,
  METERED_PAIRS,
  TOKEN_PG,
  TOKEN_PG_METERED,
  TOKEN_PG_ONE_BY_ONE,
  TOKEN_PG_ONE_BY_ONE_METERED,
  TOKEN_PGLITE,
  type Scenario,
} from './scenarios.js';
import { fmt, fmtInt, summarise } from './stats.js';
import type { MemorySample, StreamReport } from './streams.js';
import type { BytesFigure } from './journal-bytes.js';
import type { SqlFigure } from './ledger-sql.js';
import type { VerifyFigure } from './verify.js';

export interface BenchResults {
  date: string;
  machine: { cores: number; cpu: string; node: string };
  nginxVersion: string | null;
  settings: Record<string, string | number>;
  /** load average at each stage */
  load: [stage: string, loadavg: string][];
  rows: Scenario[];
  sequential: Map<string, number[]>;
  concurrent: ConcurrentResult[];
  streams: StreamReport | null;
  sql: SqlFigure[] | null;
  bytes: BytesFigure[] | null;
  /** bench/rows-floor.ts: PostgreSQL CPU µs a call for only the rows a settled call must write (null: not measured) */
  rowsFloorUs: number | null;
  verify: VerifyFigure[] | null;
  notes: string[];
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

export function report(r: BenchResults): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(`Run ${r.date} · ${r.machine.cores} cores, ${r.machine.cpu} · Node ${r.machine.node}${r.nginxVersion ? ` · ${r.nginxVersion}` : ''}`);
  line(`Settings: ${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  line(`Load average (1/5/15 min): ${r.load.map(([stage, l]) => `${stage} ${l}`).join(' · ')}`);
  for (const n of r.notes) line(`Note: ${n}`);

  const seq = new Map([...r.sequential].map(([name, s]) => [name, summarise(s)]));
  const base = (row: Scenario) => (row.baseline ? seq.get(row.baseline) : undefined);
  line();
  line(`Sequential: one request at a time on one keep-alive connection, rows taking turns (ms)`);
  line();
  line('| row | requests | median | p99 | added median | added p99 |');
  line('|---|---:|---:|---:|---:|---:|');
  for (const row of r.rows) {
    const s = seq.get(row.name);
    if (!s) continue;
    const b = base(row);
    line(`| ${row.name} | ${fmtInt(s.count)} | ${fmt(s.medianMs, 3)} | ${fmt(s.p99Ms, 3)} | ${b ? fmt(s.medianMs - b.medianMs, 3) : ''} | ${b ? fmt(s.p99Ms - b.p99Ms, 3) : ''} |`);
  }

  const conc = new Map(r.concurrent.map((c) => [c.name, c]));
  line();
  line(`Concurrent: ${r.settings.connections} connections, ${r.settings.concRounds} × ${r.settings.seconds} s per row, rows taking turns; req/s is the median round (CPU in µs per request)`);
  line();
  line('| row | req/s | ratio to direct | req/s by round | median ms | p99 ms | proxy CPU | DB CPU | upstream CPU | client CPU | errors |');
  line('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of r.rows) {
    const c = conc.get(row.name);
    if (!c) continue;
    const b = row.baseline ? conc.get(row.baseline) : undefined;
    line(
      `| ${row.name} | ${fmtInt(c.rps)} | ${b ? `${fmt((100 * c.rps) / b.rps, 0)} %` : ''} | ${c.rpsByRound.map(fmtInt).join(' / ')} | ${fmt(c.medianMs, 2)} | ${fmt(c.p99Ms, 2)} | ` +
        `${fmtInt(c.cpuUs.proxy)} | ${fmtInt(c.cpuUs.db)} | ${fmtInt(c.cpuUs.upstream)} | ${fmtInt(c.cpuUs.client)} | ${c.errors}${c.firstError ? ` (${c.firstError.slice(0, 80)})` : ''} |`,
    );
  }

  if (r.streams) out.push('', ...streamTable(r.streams));
  if (r.sql) {
    line();
    line('Store: the ledger\'s reserve (critical path) and settle (off the response path) alone, one call at a time; a background settle is left running as the route leaves it');
    line();
    line('| store | reserve median ms | reserve p99 ms | settle median ms | DB backend CPU µs / statement | this process CPU µs / statement |');
    line('|---|---:|---:|---:|---:|---:|');
    for (const f of r.sql) line(`| ${f.name} | ${fmt(f.reserveMedianMs, 3)} | ${fmt(f.reserveP99Ms, 3)} | ${fmt(f.settleMedianMs, 3)} | ${fmtInt(f.backendUs)} | ${fmtInt(f.clientUs)} |`);
  }
  if (r.bytes) out.push('', ...bytesTable(r.bytes));
  if (r.verify) {
    line();
    line('L402 verification in process (server/l402/verify.bench.ts, one thread)');
    line();
    line('| measure | per wall second | per CPU second | µs CPU each |');
    line('|---|---:|---:|---:|');
    for (const v of r.verify) line(`| ${v.name} | ${fmtInt(v.perWallSecond)} | ${fmtInt(v.perCpuSecond)} | ${fmt(v.cpuUsEach, 1)} |`);
  }
  out.push('', ...targets(r, seq, conc));
  return out.join('\n');
}

function streamTable(s: StreamReport): string[] {
  const rows: [string, MemorySample][] = [['before (idle, after GC)', s.before]];
  s.peak.forEach((p, i) => rows.push([`wave ${i + 1}: peak during`, p], [`wave ${i + 1}: after (idle, after GC)`, s.after[i]!]));
  rows.push(['client connections closed, after GC', s.closed]);
  return [
    `Memory: ${s.waves} waves of ${fmtInt(s.streams)} concurrent SSE streams through the token path on PostgreSQL, metered ` +
      `(${fmt(s.streamSeconds, 1)} s each; at most ${fmtInt(s.maxOpen)} open at once; ${fmtInt(s.completed)} completed, ${s.failed} failed${s.firstError ? `: ${s.firstError}` : ''})`,
    '',
    '| server process | RSS MB | heap used MB | external + array buffers MB |',
    '|---|---:|---:|---:|',
    ...rows.map(([name, m]) => `| ${name} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${mb(m.external)} |`),
  ];
}

type Summaries = Map<string, ReturnType<typeof summarise>>;

/** The rows one set of issue #15 targets is taken on. */
interface TargetRows {
  /** paid paths against the bare Node proxy (concurrent req/s, sequential added median) */
  paths: readonly string[];
  /** [PGlite row, PostgreSQL row]: req/s on PGlite against PostgreSQL */
  pglite: readonly [lite: string, pg: string];
  /** rows whose server + database CPU per call is held to the target */
  cpu: readonly string[];
  /** [flat, metered] rows compared for CPU per call */
  pairs: readonly (readonly [flat: string, metered: string])[];
}

const DEFAULT_TARGET_ROWS: TargetRows = { paths: [TOKEN_PG, L402], pglite: [TOKEN_PGLITE, TOKEN_PG], cpu: [TOKEN_PG, TOKEN_PG_METERED], pairs: METERED_PAIRS };
// the same targets again with one reservation per call on PostgreSQL, as it serves with several instances (no L402 row: a credential pays one call)
const ONE_BY_ONE_TARGET_ROWS: TargetRows = { paths: [TOKEN_PG_ONE_BY_ONE], pglite: [TOKEN_PGLITE, TOKEN_PG_ONE_BY_ONE], cpu: [TOKEN_PG_ONE_BY_ONE, TOKEN_PG_ONE_BY_ONE_METERED], pairs: [[TOKEN_PG_ONE_BY_ONE, TOKEN_PG_ONE_BY_ONE_METERED]] };

const TARGETS_HEAD = ['', '| target | figure | target | holds |', '|---|---:|---:|---|'];

function targets(r: BenchResults, seq: Summaries, conc: Map<string, ConcurrentResult>): string[] {
  const out = ['Targets (design.md "Performance targets"; ratios within this run)', ...TARGETS_HEAD, ...issue15Targets(DEFAULT_TARGET_ROWS, seq, conc)];
  if (r.streams && r.streams.after.length > 0) {
    const first = r.streams.after[0]!;
    const last = r.streams.after[r.streams.after.length - 1]!;
    const heap = (last.heapUsed - first.heapUsed) / 1048576;
    const rss = (last.rss - first.rss) / 1048576;
    const flat = Math.abs(heap) < 5 && rss < 20;
    out.push(`| memory growth from wave 1 to wave ${r.streams.after.length} (idle, after GC): heap / RSS | ${fmt(heap, 1)} MB / ${fmt(rss, 1)} MB | flat | ${flat ? 'yes' : 'no'} |`);
  }
  const v = r.verify?.[0];
  if (v) out.push(`| L402 verifications per second, one core (per CPU-second) | ${fmtInt(v.perCpuSecond)} | ≥ 20,000 | ${v.perCpuSecond >= 20_000 ? 'yes' : 'no'} |`);
  out.push(...whereTheFloorIs(r, seq, conc));
  out.push(...meteringAlone(conc));
  const oneByOne = issue15Targets(ONE_BY_ONE_TARGET_ROWS, seq, conc);
  if (oneByOne.length > 0) out.push('', 'Targets with ABL_RESERVE_AHEAD=0 on PostgreSQL: one reservation per call, as PostgreSQL serves with several instances', ...TARGETS_HEAD, ...oneByOne);
  return out;
}

/**
 * What the 50 % and 1.5× targets leave for the payment on this stack: the Fastify proxy with no
 * payment is the floor of the server's own stack; the machine used as fully as that floor uses it,
 * half the bare proxy's req/s allows a call so much CPU in all processes, and the rest of it is all
 * the payment (server, database, the client's share of the receipt) may take.
 */
function whereTheFloorIs(r: BenchResults, seq: Summaries, conc: Map<string, ConcurrentResult>): string[] {
  const bare = conc.get(BARE_NODE);
  const floor = conc.get(FASTIFY_FLOOR);
  const token = conc.get(TOKEN_PG);
  if (!bare || !floor || !token) return [];
  const all = (c: ConcurrentResult) => (c.cpuUs.proxy ?? 0) + (c.cpuUs.db ?? 0) + c.cpuUs.upstream + c.cpuUs.client;
  const budget = (all(floor) * floor.rps) / (bare.rps / 2);
  const out = [
    '',
    'Where the 50 % and 1.5× targets sit on this stack (bench/fastify-proxy.ts: Fastify in, the body parsed, undici out, the receipt headers, no payment)',
    '',
    '| figure | value |',
    '|---|---:|',
    `| concurrent req/s, ${FASTIFY_FLOOR} ÷ bare Node proxy (${fmtInt(floor.rps)} ÷ ${fmtInt(bare.rps)}) | ${fmt((100 * floor.rps) / bare.rps, 0)} % |`,
    `| CPU per call in all processes (proxy, database, upstream, client): bare Node proxy / ${FASTIFY_FLOOR} / ${TOKEN_PG} | ${fmtInt(all(bare))} / ${fmtInt(all(floor))} / ${fmtInt(all(token))} µs |`,
    `| CPU a paid call may cost in all at half the bare proxy's req/s, the machine as busy as under the floor row | ${fmtInt(budget)} µs |`,
    `| … of which left for the payment (that − the floor row's ${fmtInt(all(floor))} µs) | ${fmtInt(budget - all(floor))} µs |`,
    `| the payment's CPU on the ${TOKEN_PG} (its row − the floor row; its database alone ${fmtInt(token.cpuUs.db)} µs) | ${fmtInt(all(token) - all(floor))} µs |`,
  ];
  const l402 = conc.get(L402);
  if (l402) out.push(`| the payment's CPU on the ${L402} (its row − the floor row; its database alone ${fmtInt(l402.cpuUs.db)} µs) | ${fmtInt(all(l402) - all(floor))} µs |`);
  if (r.rowsFloorUs !== null) out.push(`| PostgreSQL's CPU for only the rows a settled call must write (receipt, journal row, two entries; 64 a statement; bench/rows-floor.ts) | ${fmtInt(r.rowsFloorUs)} µs |`);
  const bareAdded = addedMedianMs(seq, BARE_NODE);
  const floorAdded = addedMedianMs(seq, FASTIFY_FLOOR);
  if (bareAdded !== null && floorAdded !== null) {
    out.push(`| sequential added median, ${FASTIFY_FLOOR} ÷ bare Node proxy (${fmt(floorAdded, 3)} ms ÷ ${fmt(bareAdded, 3)} ms) | ${fmt(floorAdded / bareAdded, 2)}× |`);
    out.push(`| sequential: left for the payment at 1.5× (1.5 × ${fmt(bareAdded, 3)} ms − the floor row's ${fmt(floorAdded, 3)} ms) | ${fmt(1.5 * bareAdded - floorAdded, 3)} ms |`);
    const durable = r.sql?.[0];
    if (durable) out.push(`| one durable statement on PostgreSQL, which an L402 credential's first use waits for before its call is forwarded (${durable.name}: the reserve alone, median) | ${fmt(durable.reserveMedianMs, 3)} ms |`);
  }
  return out;
}

/**
 * What metering alone costs on this stack, beside what it costs a paid call: the Fastify floor
 * running the server's metering code with no payment (bench/fastify-proxy.ts), flat and metered,
 * against each paid pair. The target allows a metered call 10 % of its flat call's CPU; what the
 * metering alone takes of that, and what the payment adds to a metered call beyond it.
 */
function meteringAlone(conc: Map<string, ConcurrentResult>): string[] {
  const lines: string[] = [];
  for (const [flatName, meteredName] of METERED_PAIRS) {
    const floorPair = FLOOR_OF_PAIR.get(meteredName);
    if (!floorPair) continue;
    const [flat, metered, floorFlat, floorMetered] = [flatName, meteredName, ...floorPair].map((name) => cpuPerCall(conc.get(name))?.all);
    if (flat === undefined || metered === undefined || floorFlat === undefined || floorMetered === undefined) continue;
    const alone = floorMetered - floorFlat;
    const extra = metered - flat;
    lines.push(
      `| ${meteredName} | ${fmtInt(floorMetered)} − ${fmtInt(floorFlat)} = ${fmtInt(alone)} µs | ${fmtInt(metered)} − ${fmtInt(flat)} = ${fmtInt(extra)} µs | ${fmtInt(extra - alone)} µs | ${fmtInt(flat / 10)} µs | ${fmt(1 + alone / flat, 2)}× |`,
    );
  }
  if (lines.length === 0) return [];
  return [
    '',
    'What metering alone costs (bench/fastify-proxy.ts with the server\'s metering and no payment: the input bound, the usage read from the answer or tapped from the stream, the charge), CPU per call, concurrent',
    '',
    '| metered row | the floor: metered − flat | the paid pair: metered − flat (server + database) | the payment\'s share of the extra | 10 % of the flat paid call (the target\'s allowance) | the paid pair\'s ratio were its extra the metering alone |',
    '|---|---:|---:|---:|---:|---:|',
    ...lines,
  ];
}

/** A concurrent row's CPU µs per call: the process in the middle (server) and with its PostgreSQL backends (all); null for direct rows. */
function cpuPerCall(c: ConcurrentResult | undefined): { all: number; server: number } | null {
  return c && c.cpuUs.proxy !== null ? { all: c.cpuUs.proxy + (c.cpuUs.db ?? 0), server: c.cpuUs.proxy } : null;
}

/** A row's sequential median above the direct row's (ms), when both ran. */
function addedMedianMs(seq: Summaries, name: string): number | null {
  const direct = seq.get(DIRECT);
  const row = seq.get(name);
  return direct && row ? row.medianMs - direct.medianMs : null;
}

/** The issue #15 target lines for one set of rows: those whose rows ran. */
function issue15Targets(t: TargetRows, seq: Summaries, conc: Map<string, ConcurrentResult>): string[] {
  const out: string[] = [];
  // issue #15: the paid paths against the floor under any Node proxy, the bare Node + undici proxy
  const bareAdded = addedMedianMs(seq, BARE_NODE);
  const bare = conc.get(BARE_NODE);
  for (const name of t.paths) {
    const c = conc.get(name);
    if (c && bare) {
      const pct = (100 * c.rps) / bare.rps;
      out.push(`| concurrent req/s, ${name} ÷ bare Node proxy (${fmtInt(c.rps)} ÷ ${fmtInt(bare.rps)}) | ${fmt(pct, 0)} % | ≥ 50 % | ${pct >= 50 ? 'yes' : 'no'} |`);
    }
    const a = addedMedianMs(seq, name);
    if (a !== null && bareAdded !== null && bareAdded > 0) {
      const ratio = a / bareAdded;
      out.push(`| sequential added median, ${name} ÷ bare Node proxy (${fmt(a, 3)} ms ÷ ${fmt(bareAdded, 3)} ms) | ${fmt(ratio, 2)}× | ≤ 1.5× | ${ratio <= 1.5 ? 'yes' : 'no'} |`);
    }
  }
  const [liteName, pgName] = t.pglite;
  const lite = conc.get(liteName);
  const pgToken = conc.get(pgName);
  if (lite && pgToken) {
    const ratio = lite.rps / pgToken.rps;
    out.push(`| concurrent req/s, ${liteName} ÷ ${pgName} (${fmtInt(lite.rps)} ÷ ${fmtInt(pgToken.rps)}) | ${fmt(ratio, 2)}× | ≥ 1× | ${ratio >= 1 ? 'yes' : 'no'} |`);
  }
  // CPU per paid call (concurrent rows): the server and its PostgreSQL backends (PGlite runs inside the server)
  for (const name of t.cpu) {
    const u = cpuPerCall(conc.get(name));
    if (u) out.push(`| server + database CPU per paid call, ${name} (server ${fmtInt(u.server)} µs) | ${fmtInt(u.all)} µs | ≤ 400 µs | ${u.all <= 400 ? 'yes' : 'no'} |`);
  }
  for (const [flatName, meteredName] of t.pairs) {
    const flatRow = conc.get(flatName);
    const meteredRow = conc.get(meteredName);
    if (!flatRow || !meteredRow) continue;
    const flat = cpuPerCall(flatRow);
    const metered = cpuPerCall(meteredRow);
    if (!flat || !metered) continue;
    const ratio = metered.all / flat.all;
    const split = metered.all === metered.server && flat.all === flat.server
      ? `server, its database inside: ${fmtInt(metered.all)} ÷ ${fmtInt(flat.all)} µs`
      : `server + database: ${fmtInt(metered.all)} ÷ ${fmtInt(flat.all)} µs; server alone: ${fmtInt(metered.server)} ÷ ${fmtInt(flat.server)} µs = ${fmt(metered.server / flat.server, 2)}×`;
    out.push(`| metered calls within 1.1× of flat ones, CPU per call: ${meteredName} ÷ flat (${split}${roundSpread(flatRow, meteredRow)}) | ${fmt(ratio, 2)}× | ≤ 1.1× | ${ratio <= 1.1 ? 'yes' : 'no'} |`);
  }
  return out;
}

/** The lowest and highest of the rounds' ratios (round i of one row beside round i of the other: rows take turns), to show how much one run's figure may move. */
function roundSpread(flat: ConcurrentResult, metered: ConcurrentResult): string {
  const ratios: number[] = [];
  flat.serverCpuUsByRound.forEach((f, i) => {
    const m = metered.serverCpuUsByRound[i];
    if (f !== null && f > 0 && m !== null && m !== undefined) ratios.push(m / f);
  });
  if (ratios.length < 2) return '';
  return `; round by round ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}×`;
}

/** Storage per paid call on PostgreSQL (bench/journal-bytes.ts), tables with their indexes. */
export function bytesTable(figures: BytesFigure[]): string[] {
  const out = [
    `Storage per paid call on PostgreSQL (${figures[0]?.calls ?? 0} token calls reserved and settled, tables with their indexes, VACUUM every 250 calls)`,
    '',
    '| ledger | journal rows / call | entries / call | holds + journal + entries, bytes / call | paid_calls (receipt), bytes / call |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const f of figures) out.push(`| ${f.name} | ${fmt(f.journalRows, 1)} | ${fmt(f.entries, 1)} | ${fmtInt(f.ledgerBytes)} | ${fmtInt(f.receiptBytes)} |`);
  out.push('', 'per table, heap + indexes, bytes per call:', '');
  for (const f of figures) out.push(`- ${f.name}: ${Object.entries(f.byTable).map(([t, b]) => `${t} ${fmtInt(b.heap)} + ${fmtInt(b.indexes)}`).join(', ')}`);
  const [before, after] = figures;
  if (before && after) out.push('', `compact ÷ before: ${fmt(after.ledgerBytes / before.ledgerBytes, 2)}× of the ledger's bytes per call (target ≤ 0.33×)`);
  return out;
}
