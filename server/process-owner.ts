// Which process owns a file left in the data directory (the embedded store's lock, the admin
// link): its pid, and where /proc tells it its start time, so a pid the system has since given
// to another process is not taken for the owner.
import { readFileSync } from 'node:fs';

export interface ProcessOwner {
  pid: number;
  /** the process's start time in clock ticks since boot (/proc/<pid>/stat), where known */
  started: string | null;
}

function startTimeOf(pid: number): string | null {
  try {
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export const thisProcess = (): ProcessOwner => ({ pid: process.pid, started: startTimeOf(process.pid) });

/** Whether the owner still runs: its pid exists and, where both are known, started when it did. */
export function ownerAlive(owner: ProcessOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: it exists, under another user
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = owner.started === null ? null : startTimeOf(owner.pid);
  return started === null || started === owner.started;
}
