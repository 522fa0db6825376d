// Atomic persistence of the development node's state: write a temp file, fsync, rename over.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export class StateFile {
  private lastWrite: Promise<void> = Promise.resolve();
  private queuedWrite: Promise<void> | null = null;

  constructor(
    private readonly path: string,
    private readonly serialize: () => string,
  ) {}

  /**
   * Resolves once a write that started after this call is on disk. Calls made while a write is
   * queued share it: the queued write serializes the state as it is when it starts.
   */
  save(): Promise<void> {
    if (this.queuedWrite) return this.queuedWrite;
    const write = this.lastWrite.then(async () => {
      this.queuedWrite = null;
      await writeAtomically(this.path, this.serialize());
    });
    this.queuedWrite = write;
    this.lastWrite = write.catch(() => undefined);
    return write;
  }
}

/** The file's text, or null when there is no file yet. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(temp, 'w', 0o600); // the file holds the node key and unpaid preimages
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
