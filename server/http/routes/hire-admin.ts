// Operator endpoint for dispute resolution, guarded by the admin secret like the other admin
// routes (npm run admin -- resolve reaches the same domain call through /api/v1/admin/resolve).
import type { FastifyInstance } from 'fastify';
import { requireAdminSecret } from '../admin-auth.js';
import { resolutionFrom } from '../../hire/admin-commands.js';
import type { HireService } from '../../hire/index.js';
import { jsonObject } from '../body.js';
import { taskIdOf, type TaskParams } from './hire-input.js';

export async function hireAdminRoutes(app: FastifyInstance, deps: { hire: HireService; adminSecret: () => string | null }): Promise<void> {
  await app.register(async (admin) => {
    requireAdminSecret(admin, deps.adminSecret);
    admin.post<{ Params: TaskParams }>('/api/v1/admin/ai-for-hire/tasks/:id/resolve', async (req) => deps.hire.resolveDispute(taskIdOf(req), resolutionFrom(jsonObject(req))));
  });
}
