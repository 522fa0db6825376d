// The embedded store's lock: a live owner refuses a second process; a dead owner's lock (kill -9),
// one whose pid now names another process, or an unreadable one is taken over; released only by its owner.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockEmbeddedStore, StoreInUseError } from './pglite-lock.js';

describe('the embedded store lock', () => {
  const dirs: string[] = [];
  const store = () => {
    const d = mkdtempSync(join(tmpdir(), 'abl-lock-'));
    dirs.push(d);
    return join(d, 'pglite');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const owner = (dir: string) => JSON.parse(readFileSync(`${dir}.lock`, 'utf8')) as { pid: number };

  it('refuses while a live process holds it, naming its pid', () => {
    const dir = store();
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.ppid, started: null }));
    expect(() => lockEmbeddedStore(dir)).toThrow(StoreInUseError);
    expect(() => lockEmbeddedStore(dir)).toThrow(`is open in another process (pid ${process.ppid})`);
    expect(owner(dir).pid).toBe(process.ppid); // left as it was
  });

  it('takes over a lock whose owner is gone, whose pid is another process now, or that holds nothing readable', () => {
    for (const stale of [JSON.stringify({ pid: 4_194_303, started: '1' }), JSON.stringify({ pid: process.ppid, started: '1' }), 'not json']) {
      const dir = store();
      writeFileSync(`${dir}.lock`, stale);
      const lock = lockEmbeddedStore(dir);
      expect(owner(dir).pid).toBe(process.pid);
      lock.release();
      expect(() => readFileSync(`${dir}.lock`)).toThrow(/ENOENT/);
    }
  });

  it('is released only by its owner', () => {
    const dir = store();
    const lock = lockEmbeddedStore(dir);
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.ppid, started: null })); // another took it meanwhile
    lock.release();
    expect(owner(dir).pid).toBe(process.ppid);
  });
});
