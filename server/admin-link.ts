// An embedded (PGlite) store can be open in one process only. While the server runs it
// leaves its URL and a random admin secret in the data directory (mode 0600), so the
// operator's commands ask the running server instead of opening the files a second time.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownerAlive, thisProcess, type ProcessOwner } from './process-owner.js';

export interface AdminLink extends ProcessOwner {
  url: string;
  secret: string;
}

const fileOf = (dataDir: string) => join(dataDir, 'admin-link.json');

export function writeAdminLink(dataDir: string, url: string): { secret: string; remove(): void } {
  const secret = randomBytes(32).toString('hex');
  const file = fileOf(dataDir);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ url, secret, ...thisProcess() } satisfies AdminLink), { mode: 0o600 });
  // only our own: a second server refused at start must not take the running one's link away
  const remove = () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as AdminLink).pid === process.pid) rmSync(file, { force: true });
    } catch {
      // gone already, or not ours to read
    }
  };
  return { secret, remove };
}

/** The link of a server that is still alive, or null. */
export function readAdminLink(dataDir: string): AdminLink | null {
  const file = fileOf(dataDir);
  if (!existsSync(file)) return null;
  try {
    const link = JSON.parse(readFileSync(file, 'utf8')) as Partial<AdminLink>;
    if (typeof link.url !== 'string' || typeof link.secret !== 'string' || typeof link.pid !== 'number') return null;
    // a link left by a server killed outright names a pid the system may have given to another process since
    return ownerAlive({ pid: link.pid, started: typeof link.started === 'string' ? link.started : null }) ? (link as AdminLink) : null;
  } catch {
    return null;
  }
}

export function secretMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
