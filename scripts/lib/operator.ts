// Where operator commands run: on the server's store directly (PostgreSQL, or an embedded
// store no server holds), or through the running server's admin endpoint (embedded store
// in use: PGlite can be open in one process only).
import { request } from 'undici';
import { readAdminLink } from '../../server/admin-link.js';
import { createAdminService } from '../../server/admin/service.js';
import { loadCatalog } from '../../server/catalog.js';
import { readSettings, type WalletSettings } from '../../server/config.js';
import { hireAdminCommands } from '../../server/hire/admin-commands.js';
import { offlineHireService } from '../../server/hire/offline.js';
import { createLedger } from '../../server/ledger/index.js';
import { openWallet, type OpenedWallet } from '../../server/lightning/index.js';
import { NoStoreError, openStore } from '../../server/store/index.js';

export class OperatorError extends Error {}

export async function runAdminCommand(command: string, args: Record<string, unknown>): Promise<unknown> {
  const settings = readSettings();
  const link = settings.DATABASE_URL ? null : readAdminLink(settings.ABL_DATA_DIR);
  if (link) {
    const res = await request(`${link.url}/api/v1/admin/${encodeURIComponent(command)}`, {
      method: 'POST',
      headers: { authorization: `Admin ${link.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    const body = (await res.body.json()) as { error?: { message: string } };
    if (res.statusCode !== 200) throw new OperatorError(body.error?.message ?? `the server answered ${res.statusCode}`);
    return body;
  }
  let db;
  try {
    db = await openStore({ databaseUrl: settings.DATABASE_URL, dataDir: settings.ABL_DATA_DIR, existing: true });
  } catch (err) {
    if (err instanceof NoStoreError) throw new OperatorError(err.message);
    throw err;
  }
  let wallet: OpenedWallet | null = null;
  try {
    if (command.replace(/-/g, '_') === 'reconcile_payouts') wallet = await walletToAsk(settings.wallet);
    const ledger = await createLedger(db);
    const hire = offlineHireService(db, ledger, loadCatalog(settings.ABL_CONFIG).hire, wallet?.wallet);
    const admin = createAdminService({ db, ledger, extra: hireAdminCommands(hire) });
    return await admin.run(command, args);
  } catch (err) {
    throw err instanceof OperatorError ? err : new OperatorError(err instanceof Error ? err.message : String(err));
  } finally {
    await wallet?.close();
    await db.close();
  }
}

/** Payouts in doubt are settled by asking the node: the server's own wallet, opened here from its settings. */
async function walletToAsk(backend: WalletSettings): Promise<OpenedWallet> {
  if (backend.kind === 'devnode') throw new OperatorError('The built-in development Lightning node runs inside the server: only the server can ask it, and it settles payouts in doubt by itself every 15 s.');
  return openWallet({ backend, dataDir: '' });
}
