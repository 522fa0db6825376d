// npm run ledger:audit [-- --full] — verifies the journal since the last checkpoint (or, with
// --full, recomputes every balance from the whole journal) on the server's store (DATABASE_URL, or
// the embedded one in ABL_DATA_DIR, asking the running server if it holds it). Exit 1 on a mismatch.
import { formatAudit, type AuditJson } from '../server/ledger/audit-format.js';
import { runAdminCommand } from './lib/operator.js';

runAdminCommand('audit', { full: process.argv.includes('--full') }).then(
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
