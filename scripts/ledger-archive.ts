// npm run ledger:archive -- --before 2026-11-01 --out /path/to/dir
//   journal rows created before the date (and already verified by the audit) to <dir>/ledger-below-N.jsonl
//   with a manifest, replaced in the ledger by one carry-forward row; re-running is harmless.
// npm run ledger:archive -- --verify /path/to/dir/ledger-below-N.manifest.json
//   re-reads an archive: checksum, every row balanced, counts and per-account sums.
import { resolve } from 'node:path';
import { verifyArchive } from '../server/ledger/archive-files.js';
import { runAdminCommand } from './lib/operator.js';

const USAGE = `usage: npm run ledger:archive -- --before YYYY-MM-DD --out DIR
       npm run ledger:archive -- --verify DIR/ledger-below-N.manifest.json`;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const verify = flag('verify');
  if (verify) {
    const r = await verifyArchive(resolve(verify));
    console.log(`archive ${r.manifest.name}: ${r.ok ? 'OK' : 'DAMAGED'} (${r.manifest.journal_rows} journal rows, ${r.manifest.entries} entries)`);
    for (const p of r.problems) console.log(`  PROBLEM: ${p}`);
    return r.ok ? 0 : 1;
  }
  const before = flag('before');
  const out = flag('out');
  if (!before || !out) {
    console.error(USAGE);
    return 2;
  }
  // the server writes the files when it holds the embedded store: give it an absolute path
  const result = await runAdminCommand('archive', { before, out: resolve(out) });
  console.log(JSON.stringify(result, null, 2));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('ledger archive failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
