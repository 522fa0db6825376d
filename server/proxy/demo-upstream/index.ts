// Development mode (the built-in development Lightning node, no real money): an API whose key is
// unset is answered by the built-in demo upstream instead of 503 upstream_not_configured, priced
// and charged exactly as the catalog says. With a real wallet backend nothing changes here.
//
// prepareUpstreams() decides, per API, whether it is `configured` (its key is set), served by the
// `demo`, or `not_configured`; for the demo it starts the loopback server and gives back the
// catalog and environment the proxy is built from, with those APIs pointed at it.
import { randomBytes } from 'node:crypto';
import type { Api, Catalog, UpstreamStatus } from '../../../contract/catalog.js';
import type { ProxyEnv } from '../upstream.js';
import { startDemoUpstream, type DemoApi, type DemoFlavour } from './server.js';

export type { UpstreamStatus };

/** The variable the rewritten catalog names for the demo's key (the proxy sends it like any key). */
export const DEMO_KEY_ENV = 'ABL_DEMO_UPSTREAM_KEY';

export interface PreparedUpstreams {
  /** what the proxy is built from: the catalog with demo-served APIs pointed at the demo */
  catalog: Catalog;
  env: ProxyEnv;
  /** per API name */
  statuses: Record<string, UpstreamStatus>;
  /** the demo's loopback URL when it runs */
  demoUrl: string | null;
  close(): Promise<void>;
}

/** The wire format the demo can speak for an API: by its name or its real origin. */
export function demoFlavour(api: Api): DemoFlavour | null {
  const host = new URL(api.upstream.base_url).hostname;
  if (api.name === 'openai' || host === 'api.openai.com') return 'openai';
  if (api.name === 'anthropic' || host === 'api.anthropic.com') return 'anthropic';
  return null;
}

const keySet = (api: Api, env: ProxyEnv): boolean => Boolean(env[api.upstream.auth.key_env]?.trim());

export function upstreamStatuses(catalog: Catalog, env: ProxyEnv, developmentMode: boolean): Record<string, UpstreamStatus> {
  return Object.fromEntries(
    catalog.apis.map((api) => [api.name, keySet(api, env) ? 'configured' : developmentMode && demoFlavour(api) ? 'demo' : 'not_configured']),
  );
}

export async function prepareUpstreams(catalog: Catalog, env: ProxyEnv, developmentMode: boolean): Promise<PreparedUpstreams> {
  const statuses = upstreamStatuses(catalog, env, developmentMode);
  const demoApis = catalog.apis.filter((api) => statuses[api.name] === 'demo');
  if (demoApis.length === 0) return { catalog, env, statuses, demoUrl: null, close: async () => {} };

  const key = `abl-demo-${randomBytes(24).toString('hex')}`;
  const demo = await startDemoUpstream(
    demoApis.map((api): DemoApi => {
      const scheme = api.upstream.auth.scheme.trim();
      return {
        name: api.name,
        flavour: demoFlavour(api) as DemoFlavour,
        authHeader: api.upstream.auth.header.toLowerCase(),
        authValue: scheme ? `${scheme} ${key}` : key,
        keyEnv: api.upstream.auth.key_env,
        models: pricedModels(api),
      };
    }),
  );
  const demoCatalog: Catalog = {
    ...catalog,
    apis: catalog.apis.map((api) => {
      if (statuses[api.name] !== 'demo') return api;
      const { base_url_env: _ignored, ...upstream } = api.upstream;
      return { ...api, upstream: { ...upstream, base_url: `${demo.url}/${api.name}`, auth: { ...upstream.auth, key_env: DEMO_KEY_ENV } } };
    }),
  };
  return { catalog: demoCatalog, env: { ...env, [DEMO_KEY_ENV]: key }, statuses, demoUrl: demo.url, close: demo.close };
}

function pricedModels(api: Api): string[] {
  const names = new Set<string>();
  for (const ep of api.endpoints) if ('models' in ep.price) for (const m of Object.keys(ep.price.models)) names.add(m);
  return [...names];
}

/** Start-up lines saying, per API, what answers its calls. */
export function describeUpstreams(catalog: Catalog, statuses: Record<string, UpstreamStatus>): string[] {
  return catalog.apis.map((api) => {
    const keyEnv = api.upstream.auth.key_env;
    switch (statuses[api.name]) {
      case 'configured':
        return `  ${api.name}: configured (${keyEnv} is set)`;
      case 'demo':
        return `  ${api.name}: DEMO — ${keyEnv} is not set, so a built-in demo upstream answers (canned "[demo]" replies, charged in play money); set ${keyEnv} for real answers`;
      default:
        return `  ${api.name}: not configured — set ${keyEnv}; until then its endpoints answer 503 upstream_not_configured`;
    }
  });
}
