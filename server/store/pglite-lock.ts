// An embedded (PGlite) database can be open in one process only: a second one writing the same
// files loses what the first commits. The process that opens it leaves `<dir>.lock` naming
// itself (pid, and its start time where /proc tells it, so a reused pid is not mistaken for it);
// another process finding a live owner there is refused; a lock whose owner died (kill -9) is
// taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ownerAlive, thisProcess, type ProcessOwner as Owner } from '../process-owner.js';

export class StoreInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dir} is open in another process (pid ${pid}): it can be open in one process only. ` +
        'Stop that server first, or give this one another ABL_DATA_DIR (or a DATABASE_URL, which several instances can share).',
    );
    this.name = 'StoreInUseError';
  }
}

function readOwner(file: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>;
    return typeof o.pid === 'number' ? { pid: o.pid, started: typeof o.started === 'string' ? o.started : null } : null;
  } catch {
    return null;
  }
}

/** Takes the directory's lock for this process (StoreInUseError if a live process holds it); release() gives it up. */
export function lockEmbeddedStore(dir: string): { release(): void } {
  const file = `${dir}.lock`;
  const me = thisProcess();
  const release = () => {
    if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(file);
    if (owner && owner.pid !== process.pid && ownerAlive(owner)) throw new StoreInUseError(dir, owner.pid);
    // its owner is gone (or wrote nothing readable): the lock is stale
    rmSync(file, { force: true });
  }
  // another process took it between our two tries
  throw new StoreInUseError(dir, readOwner(file)?.pid ?? 0);
}
