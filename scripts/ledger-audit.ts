// npm run ledger:audit [-- --full] — verifies the journal since the last checkpoint (or, with
// --full, recomputes every balance from the whole journal) on the server's store (DATABASE_URL, or
// the embedded one in ABL_DATA_DIR, asking the running server if it holds it). Exit 1 on a mismatch.
import { formatAudit, type AuditJson } from '../server/ledger/audit-format.js';
import { runAdminCommand } from './lib/operator.js';

const USAGE = `usage: npm run ledger:audit [-- --full]
  verifies the journal since the last checkpoint (--full: every balance from the whole journal)
  on the store of DATABASE_URL, or the embedded one in ABL_DATA_DIR; exit 0 OK, 1 a mismatch, 2 an error`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
// anything else is refused before the audit runs (it moves its checkpoint forward)
const unknown = args.filter((a) => a !== '--full');
if (unknown.length > 0) {
  console.error(`ledger audit: unknown argument ${unknown[0]}\n${USAGE}`);
  process.exit(2);
}

runAdminCommand('audit', { full: args.includes('--full') }).then(
  (result) => {
    const report = result as AuditJson;
    console.log(formatAudit(report));
    process.exit(report.ok ? 0 : 1);
  },
  (err: unknown) => {
    console.error('ledger audit failed:', err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
