// The admin secret check for every operator route: `Authorization: Admin <secret>`.
import type { FastifyInstance } from 'fastify';
import { secretMatches } from '../admin-link.js';
import { AppError } from '../errors.js';

/** Guards every route of an encapsulated plugin with the admin secret. */
export function requireAdminSecret(scope: FastifyInstance, adminSecret: () => string | null): void {
  scope.addHook('onRequest', async (req) => {
    const secret = adminSecret();
    const given = /^Admin\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!secret || !secretMatches(secret, given)) throw new AppError('forbidden', 'Admin endpoints need the admin secret.');
  });
}
