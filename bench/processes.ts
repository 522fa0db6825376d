// What the benchmark needs from the operating system: free loopback ports, node children whose
// output goes to a log file, and /proc figures (CPU time and RSS of a process, load average).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/** A port nobody listens on right now (the child binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** resolves with the exit code once the child is gone */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after graceMs */
  stop(graceMs?: number): Promise<number | null>;
}

/** Spawns a process with stdout and stderr appended to logFile (and an IPC channel for node children). */
export function spawnChild(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string; ipc?: boolean }): Child {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const proc = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  let stopping = false;
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code, signal) => {
      // a child that dies mid-run (or is killed from outside) must not go unnoticed
      if (!stopping) console.error(`[bench] ${args.find((x) => x.endsWith('.ts')) ?? cmd} exited unexpectedly (${signal ?? `code ${code}`}); see ${opts.logFile}`);
      resolve(code);
    }),
  );
  if (proc.pid === undefined) throw new Error(`could not start ${cmd}`);
  return {
    proc,
    pid: proc.pid,
    exited,
    async stop(graceMs = 10_000) {
      stopping = true;
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return proc.exitCode;
    },
  };
}

/** Polls url until it answers at all (any status), or fails when the child dies or time runs out. */
export async function waitUntilAnswering(url: string, child: Child, logFile: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void child.exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${url}: the process exited during start-up; see ${logFile}`);
    try {
      const res = await request(url);
      await res.body.dump();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms; see ${logFile}`);
}

const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** User + system CPU seconds a process has used so far (0 when it is gone). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the ") " that closes the command name; utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds so far of a proxy process, and of database backends that come and go. */
export interface CpuReading {
  proxy: number;
  db: Map<number, number>;
}

/** CPU seconds used between two readings; a backend born in between counts from zero. */
export function cpuUsed(before: CpuReading, after: CpuReading): { proxy: number; db: number } {
  let db = 0;
  for (const [pid, s] of after.db) db += s - (before.db.get(pid) ?? 0);
  return { proxy: after.proxy - before.proxy, db };
}

/** Resident set size in bytes from /proc (0 when the process is gone). */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Child process ids of pid (one level), e.g. nginx's workers. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export function machine(): { cores: number; cpu: string; node: string } {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  return { cores: cpus().length, cpu: model, node: process.version };
}

let nextId = 1;

/** One question to the probe (bench/probe.ts) preloaded in a node child spawned with an IPC channel, answered over it. */
export function askProbe<T>(child: Child, question: object, timeoutMs = 10_000): Promise<T> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`the child (pid ${child.pid}) did not answer the probe`)), timeoutMs);
    const onMessage = (msg: { id?: number; error?: string }) => {
      if (msg?.id !== id) return;
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      if (msg.error) reject(new Error(`probe: ${msg.error}`));
      else resolve(msg as T);
    };
    child.proc.on('message', onMessage);
    if (!child.proc.connected) return fail(new Error(`the child (pid ${child.pid}) is gone`));
    child.proc.send({ id, ...question }, (err) => {
      if (err) fail(err);
    });
  });
}

/** A V8 CPU profile of a window of a child's life, taken by the probe in it (bench/probe.ts). */
export interface ProbeProfiler {
  startProfile(intervalUs: number): Promise<void>;
  /** writes the profile (.cpuprofile JSON) to file */
  stopProfile(file: string): Promise<void>;
}

export function probeProfiler(child: Child): ProbeProfiler {
  return {
    startProfile: async (intervalUs) => void (await askProbe(child, { cmd: 'profile-start', intervalUs })),
    stopProfile: async (file) => void (await askProbe(child, { cmd: 'profile-stop', file }, 60_000)),
  };
}
