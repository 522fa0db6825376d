// Operator endpoint for dispute resolution, guarded by the admin secret like the other admin
// routes: it serves scripts/admin-resolve.ts while an embedded (PGlite) store is in use.
import type { FastifyInstance } from 'fastify';
import { secretMatches } from '../../admin-link.js';
import { AppError } from '../../errors.js';
import type { HireService, Resolution } from '../../hire/index.js';
import { integerValue, jsonObject, requiredString } from '../body.js';
import { taskIdOf, type TaskParams } from './hire-input.js';

export function resolutionOf(body: Record<string, unknown>): Resolution {
  const kind = requiredString(body, 'resolution');
  if (kind === 'release' || kind === 'refund') return { kind };
  if (kind === 'split') return { kind, contractorSats: integerValue(body.contractor_sats, 'contractor_sats', 1, Number.MAX_SAFE_INTEGER) };
  throw new AppError('invalid_field_value', 'resolution must be release, refund or split.', { field: 'resolution' });
}

export async function hireAdminRoutes(app: FastifyInstance, deps: { hire: HireService; adminSecret: () => string | null }): Promise<void> {
  await app.register(async (admin) => {
    admin.addHook('onRequest', async (req) => {
      const secret = deps.adminSecret();
      const given = /^Admin\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!secret || !secretMatches(secret, given)) throw new AppError('forbidden', 'Admin endpoints need the admin secret.');
    });
    admin.post<{ Params: TaskParams }>('/api/v1/admin/ai-for-hire/tasks/:id/resolve', async (req) => deps.hire.resolveDispute(taskIdOf(req), resolutionOf(jsonObject(req))));
  });
}
