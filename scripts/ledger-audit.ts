// npm run ledger:audit — recomputes every balance from the journal on the server's store
// (DATABASE_URL, or the embedded one in ABL_DATA_DIR, asking the running server if it holds it).
import { request } from 'undici';
import { readAdminLink } from '../server/admin-link.js';
import { readSettings } from '../server/config.js';
import { auditToJson, formatAudit, type AuditJson } from '../server/ledger/audit-format.js';
import { createLedger } from '../server/ledger/index.js';
import { openStore } from '../server/store/index.js';

async function audit(): Promise<AuditJson> {
  const settings = readSettings();
  const link = settings.DATABASE_URL ? null : readAdminLink(settings.ABL_DATA_DIR);
  if (link) {
    const res = await request(`${link.url}/api/v1/admin/audit`, { headers: { authorization: `Admin ${link.secret}` } });
    if (res.statusCode !== 200) throw new Error(`the running server answered ${res.statusCode}: ${await res.body.text()}`);
    return (await res.body.json()) as AuditJson;
  }
  const db = await openStore({ databaseUrl: settings.DATABASE_URL, dataDir: settings.ABL_DATA_DIR });
  try {
    return auditToJson(await (await createLedger(db)).audit());
  } finally {
    await db.close();
  }
}

audit().then(
  (r) => {
    console.log(formatAudit(r));
    process.exit(r.ok ? 0 : 1);
  },
  (err: unknown) => {
    console.error('ledger audit failed:', err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
