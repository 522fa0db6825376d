// The operator's commands answer --help with their usage and change nothing; an argument they do
// not know is refused before they touch a store (the audit would otherwise move its checkpoint).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// a data directory with no store in it: a command that ran anyway would say so (exit 2, "no store")
const parent = mkdtempSync(join(tmpdir(), 'abl-cli-'));
const env = { ...process.env, ABL_DATA_DIR: join(parent, 'data'), DATABASE_URL: '' };
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const run = (script: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { env, encoding: 'utf8', timeout: 60_000 });

describe('operator commands', () => {
  it('ledger:audit --help prints its usage and exits 0; an unknown argument exits 2 without auditing', () => {
    const help = run('scripts/ledger-audit.ts', '--help');
    expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('usage: npm run ledger:audit')]);
    const typo = run('scripts/ledger-audit.ts', '--ful');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('unknown argument --ful');
    expect(typo.stderr).not.toMatch(/no store/i);
  });

  it('ledger:archive and devnode answer --help with their usage', () => {
    const archive = run('scripts/ledger-archive.ts', '--help');
    expect([archive.status, archive.stdout]).toEqual([0, expect.stringContaining('usage: npm run ledger:archive')]);
    const devnode = run('server/lightning/devnode/cli.ts', '--help');
    expect([devnode.status, devnode.stdout]).toEqual([0, expect.stringContaining('DEVNODE_PASSWORD')]);
  });
});
