// The running server's admin link: found while its server runs; not once that pid names another
// process (a server killed outright, its pid given out again), so operator commands open the store.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAdminLink, writeAdminLink } from './admin-link.js';

describe('the admin link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'abl-link-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'admin-link.json');

  it('is read while its server runs, not when its pid now names another process, and removed only by its own server', () => {
    const link = writeAdminLink(dir, 'http://127.0.0.1:4999');
    expect(readAdminLink(dir)).toMatchObject({ url: 'http://127.0.0.1:4999', secret: link.secret, pid: process.pid });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    // the same pid, another start time: the server that wrote it is gone
    writeFileSync(file, JSON.stringify({ ...written, pid: process.ppid, started: '1' }));
    expect(readAdminLink(dir)).toBeNull();
    // a live process of its own: left alone by this one's remove
    writeFileSync(file, JSON.stringify({ ...written, pid: process.ppid, started: null }));
    expect(readAdminLink(dir)).toMatchObject({ pid: process.ppid });
    link.remove();
    expect(readAdminLink(dir)).toMatchObject({ pid: process.ppid });
  });
});
