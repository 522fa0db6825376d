// Health, the public catalog and the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import type { Health } from '../../../contract/api.js';
import { toPublicCatalog, type Catalog, type UpstreamStatus } from '../../../contract/catalog.js';
import type { WalletReachability } from '../../lightning/reachability.js';

export function metaRoutes(
  app: FastifyInstance,
  deps: {
    catalog: Catalog;
    walletKind: Health['wallet'];
    storeKind: Health['store'];
    version: string;
    openapi: object;
    /** per API: its real upstream, the development-mode demo, or none */
    upstreams?: Record<string, UpstreamStatus>;
    /** the operator's rate for the web app's fiat hint */
    fiat?: Health['fiat'];
    walletReachability?: Pick<WalletReachability, 'reachable' | 'refreshIfStale'>;
  },
): void {
  const upstreams = deps.upstreams ?? {};
  const publicCatalog = toPublicCatalog(deps.catalog);
  for (const api of publicCatalog.apis) {
    const status = upstreams[api.name];
    if (status) api.upstream = status;
  }
  const catalogJson = JSON.stringify(publicCatalog);
  const health: Health = { status: 'ok', wallet: deps.walletKind, store: deps.storeKind, version: deps.version, upstreams, ...(deps.fiat ? { fiat: deps.fiat } : {}) };

  const reach = deps.walletReachability;
  app.get('/api/v1/health', async (): Promise<Health> => {
    if (!reach) return health;
    // a stale answer is asked again, waited for a second at most (a node that hangs keeps the last answer)
    await reach.refreshIfStale(1_000);
    const reachable = reach.reachable();
    return reachable === null ? health : { ...health, wallet_reachable: reachable };
  });

  const openapiJson = JSON.stringify(deps.openapi);
  app.get('/api/v1/openapi.json', async (_req, reply) => reply.type('application/json; charset=utf-8').send(openapiJson));

  app.get('/api/v1/catalog', async (_req, reply) => reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=60').send(catalogJson));
}
