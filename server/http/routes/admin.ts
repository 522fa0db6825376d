// Operator endpoints, reachable only with the admin secret the server keeps in its data
// directory (see admin-link.ts); they serve the CLI while an embedded store is in use.
import type { FastifyInstance } from 'fastify';
import { requireAdminSecret } from '../admin-auth.js';
import { checkAmountArguments } from '../../admin/args.js';
import type { AdminService } from '../../admin/service.js';
import type { Ledger } from '../../ledger/index.js';
import { jsonObject } from '../body.js';
import { auditToJson } from '../../ledger/audit-format.js';

export async function adminRoutes(app: FastifyInstance, deps: { ledger: Ledger; admin: AdminService; adminSecret: () => string | null }): Promise<void> {
  // An encapsulated plugin: the secret check guards these routes only.
  await app.register(async (admin) => {
    requireAdminSecret(admin, deps.adminSecret);
    admin.get('/api/v1/admin/audit', async () => auditToJson(await deps.ledger.audit()));
    admin.post<{ Params: { command: string } }>('/api/v1/admin/:command', async (req) => {
      const args = jsonObject(req, { optional: true });
      checkAmountArguments(args);
      return deps.admin.run(req.params.command, args);
    });
  });
}
