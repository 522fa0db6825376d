// Resolves a disputed AI for Hire task, as an operator:
//   node --import tsx scripts/admin-resolve.ts <task-id> release|refund|split [--buyer-sats N | --contractor-sats N]
// With the server's environment (DATABASE_URL, or ABL_DATA_DIR): on PostgreSQL, or an embedded
// store no server holds, it acts on the store itself; while a server holds the embedded store
// it asks that server (its admin link), as npm run ledger:audit does.
import { request } from 'undici';
import { readAdminLink } from '../server/admin-link.js';
import { loadCatalog } from '../server/catalog.js';
import { readSettings } from '../server/config.js';
import { resolutionFrom } from '../server/hire/admin-commands.js';
import { offlineHireService } from '../server/hire/offline.js';
import { taskId as validTaskId } from '../server/hire/validate.js';
import { createLedger } from '../server/ledger/index.js';
import { openStore } from '../server/store/index.js';

const USAGE = 'usage: admin-resolve.ts <task-id> release|refund|split [--buyer-sats N | --contractor-sats N]';

function parse(argv: string[]): { task: string; args: Record<string, unknown> } {
  const [task, outcome, ...rest] = argv;
  if (!task || !outcome) throw new Error(USAGE);
  const args: Record<string, unknown> = { outcome };
  for (let i = 0; i < rest.length; i += 2) args[rest[i]!.replace(/^--/, '').replace(/-/g, '_')] = Number(rest[i + 1]);
  return { task, args };
}

async function resolve(task: string, args: Record<string, unknown>): Promise<unknown> {
  const settings = readSettings();
  const link = settings.DATABASE_URL ? null : readAdminLink(settings.ABL_DATA_DIR);
  if (link) {
    const res = await request(`${link.url}/api/v1/admin/ai-for-hire/tasks/${encodeURIComponent(task)}/resolve`, {
      method: 'POST',
      headers: { authorization: `Admin ${link.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    const body = (await res.body.json()) as { error?: { message: string } };
    if (res.statusCode !== 200) throw new Error(body.error?.message ?? `the server answered ${res.statusCode}`);
    return body;
  }
  const db = await openStore({ databaseUrl: settings.DATABASE_URL, dataDir: settings.ABL_DATA_DIR });
  try {
    const hire = offlineHireService(await createLedger(db), loadCatalog(settings.ABL_CONFIG).hire);
    return await hire.resolveDispute(validTaskId(task), resolutionFrom(args));
  } finally {
    await db.close();
  }
}

try {
  const { task, args } = parse(process.argv.slice(2));
  console.log(JSON.stringify(await resolve(task, args), null, 2));
} catch (err) {
  console.error(`admin-resolve failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
