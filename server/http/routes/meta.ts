// Health, the public catalog and the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import type { Health } from '../../../contract/api.js';
import { toPublicCatalog, type Catalog } from '../../../contract/catalog.js';

export function metaRoutes(
  app: FastifyInstance,
  deps: { catalog: Catalog; walletKind: Health['wallet']; storeKind: Health['store']; version: string; openapi: object },
): void {
  const publicCatalog = toPublicCatalog(deps.catalog);
  const catalogJson = JSON.stringify(publicCatalog);

  app.get('/api/v1/health', async (): Promise<Health> => ({ status: 'ok', wallet: deps.walletKind, store: deps.storeKind, version: deps.version }));

  const openapiJson = JSON.stringify(deps.openapi);
  app.get('/api/v1/openapi.json', async (_req, reply) => reply.type('application/json; charset=utf-8').send(openapiJson));

  app.get('/api/v1/catalog', async (_req, reply) => reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=60').send(catalogJson));
}
