// npm run ledger:audit — recomputes every balance from the journal on the server's store
// (DATABASE_URL, or the embedded one in ABL_DATA_DIR, asking the running server if it holds it).
import { formatAudit, type AuditJson } from '../server/ledger/audit-format.js';
import { runAdminCommand } from './lib/operator.js';

runAdminCommand('audit', {}).then(
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
