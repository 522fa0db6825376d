// Reads a V8 .cpuprofile and says where the time went: the top functions by self time, and the
// time of each component (npm package, server/ folder, node core, GC) — each sample charged to the
// nearest package or project frame on its stack, so node:net work done for undici counts as undici.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  /** of the busy (non-idle) time */
  pct: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: Share[];
  owners: Share[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** The component a frame belongs to, or null for node core and native frames (charged upward). */
function componentOf(f: CallFrame): string | null {
  if (SPECIAL.has(f.functionName) && f.url === '') return f.functionName;
  const nm = f.url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const [a, b] = f.url.slice(nm + 14).split('/');
    return a?.startsWith('@') ? `${a}/${b}` : (a ?? 'node_modules');
  }
  if (f.url.startsWith('file://')) {
    const rel = relative(ROOT, fileURLToPath(f.url));
    const parts = rel.split('/');
    return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : rel;
  }
  return null;
}

function where(f: CallFrame): string {
  if (f.url === '') return '(native)';
  const short = f.url.startsWith('file://') ? relative(ROOT, fileURLToPath(f.url)).replace(/^node_modules\//, '') : f.url;
  return `${short}:${f.lineNumber + 1}`;
}

/** Self time per function and per component, in µs; idle apart. */
interface Tally {
  busyUs: number;
  idleUs: number;
  functions: Map<string, number>;
  owners: Map<string, number>;
}

function tally(p: CpuProfile): Tally {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached) return cached;
    let cur: number | undefined = id;
    let owner = 'node core (no package frame)';
    while (cur !== undefined) {
      const c = componentOf(byId.get(cur)!.callFrame);
      if (c !== null && c !== '(root)') {
        owner = c;
        break;
      }
      cur = parent.get(cur);
    }
    ownerCache.set(id, owner);
    return owner;
  };

  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  }
  let idleUs = 0;
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const key = `${f.functionName || '(anonymous)'}  ${where(f)}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    const o = ownerOf(id);
    owners.set(o, (owners.get(o) ?? 0) + us);
  }
  return { busyUs: [...functions.values()].reduce((a, b) => a + b, 0), idleUs, functions, owners };
}

export function summariseProfile(p: CpuProfile, top = 25): ProfileSummary {
  const t = tally(p);
  const shares = (m: Map<string, number>, limit: number): Share[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / t.busyUs }));
  return { busyMs: t.busyUs / 1000, idleMs: t.idleUs / 1000, functions: shares(t.functions, top), owners: shares(t.owners, 16) };
}

/** A profile, the requests it served, and the CPU seconds the process used meanwhile (/proc). */
export interface ProfiledRun {
  name: string;
  profile: CpuProfile;
  requests: number;
  cpuSeconds: number;
}

/**
 * Where a paid row's CPU per request goes beyond a floor row's (the Fastify proxy that takes no
 * payment): per component, and the functions that differ most — what the payment costs the server.
 * The sampler's clock runs on while a descheduled process waits for a CPU, more so beside a busy
 * database: each profile's shares are scaled to the CPU time the process really used.
 */
export function formatComparison(paid: ProfiledRun, floor: ProfiledRun, top = 20): string {
  const a = tally(paid.profile);
  const b = tally(floor.profile);
  // profiled µs → µs of the process's CPU per request
  const perReqA = (paid.cpuSeconds * 1e6) / a.busyUs / paid.requests;
  const perReqB = (floor.cpuSeconds * 1e6) / b.busyUs / floor.requests;
  const rows = (ma: Map<string, number>, mb: Map<string, number>) =>
    [...new Set([...ma.keys(), ...mb.keys()])]
      .map((k) => ({ k, x: (ma.get(k) ?? 0) * perReqA, y: (mb.get(k) ?? 0) * perReqB }))
      .sort((p, q) => q.x - q.y - (p.x - p.y));
  const cell = (n: number) => n.toFixed(1);
  const byOwner = rows(a.owners, b.owners).filter((r) => Math.abs(r.x - r.y) >= 0.5);
  const byFunction = rows(a.functions, b.functions).slice(0, top);
  return [
    `CPU per request of the process (/proc): ${paid.name} ${cell(a.busyUs * perReqA)} µs, ${floor.name} ${cell(b.busyUs * perReqB)} µs (${paid.requests} and ${floor.requests} requests at the same concurrency); each profile's shares scaled to it`,
    '',
    'By component, µs per request (the components that differ by at least 0.5 µs)',
    '',
    `| component | ${paid.name} | ${floor.name} | difference |`,
    '|---|---:|---:|---:|',
    ...byOwner.map((r) => `| ${r.k} | ${cell(r.x)} | ${cell(r.y)} | ${cell(r.x - r.y)} |`),
    '',
    `Functions by self time ${paid.name} spends beyond ${floor.name}, µs per request (top ${top})`,
    '',
    `| function | ${paid.name} | ${floor.name} | difference |`,
    '|---|---:|---:|---:|',
    ...byFunction.map((r) => `| ${r.k.replace(/\|/g, '\\|')} | ${cell(r.x)} | ${cell(r.y)} | ${cell(r.x - r.y)} |`),
  ].join('\n');
}

export function formatSummary(s: ProfileSummary, requests: number): string {
  const perReq = (ms: number) => ((ms * 1000) / requests).toFixed(1);
  const lines = [
    `Busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms over ${requests} requests: ${perReq(s.busyMs)} µs of server CPU per request`,
    '',
    'By component (each sample charged to the nearest npm package or project frame on its stack)',
    '',
    '| component | ms | % of busy | µs per request |',
    '|---|---:|---:|---:|',
    ...s.owners.map((o) => `| ${o.name} | ${o.ms.toFixed(0)} | ${o.pct.toFixed(1)} | ${perReq(o.ms)} |`),
    '',
    'Top functions by self time',
    '',
    '| function | ms | % of busy |',
    '|---|---:|---:|',
    ...s.functions.map((f) => `| ${f.name.replace(/\|/g, '\\|')} | ${f.ms.toFixed(0)} | ${f.pct.toFixed(1)} |`),
  ];
  return lines.join('\n');
}
