// The upstreams the proxy may call, built once from config and the environment. The origin comes
// ONLY from here (config base_url, or the env variable config names): never from a request, so
// no request can point the proxy at another host.
import { Pool } from 'undici';
import type { Api, Catalog } from '../../contract/catalog.js';

export type ProxyEnv = Readonly<Record<string, string | undefined>>;

export interface UpstreamTarget {
  api: string;
  /** scheme://host[:port] */
  origin: string;
  /** a path prefix from the base URL ('' or '/prefix'), put before every endpoint path */
  basePath: string;
  /** keep-alive connections to the origin, shared by every API on that origin */
  pool: Pool;
  /** [header name, value] carrying the upstream key; null when the key is not configured */
  auth: readonly [string, string] | null;
  extraHeaders: Readonly<Record<string, string>>;
  hiddenResponseHeaders: ReadonlySet<string>;
  timeoutMs: number;
}

export interface Upstreams {
  get(api: string): UpstreamTarget | undefined;
  close(): Promise<void>;
  /** ends every upstream request in flight (with CutByShutdown): the server stops and will not wait for them */
  cut(): void;
}

/** The error upstream requests in flight end with when a stopping server's grace is up. */
export class CutByShutdown extends Error {
  constructor() {
    super('the server is shutting down');
    this.name = 'CutByShutdown';
  }
}

export function createUpstreams(catalog: Catalog, env: ProxyEnv): Upstreams {
  const pools = new Map<string, Pool>();
  const targets = new Map<string, UpstreamTarget>();
  for (const api of catalog.apis) {
    const base = baseUrl(api, env);
    let pool = pools.get(base.origin);
    if (!pool) {
      // no retries: a POST the upstream may have served must never be sent (and paid) twice
      pool = new Pool(base.origin, { connect: { timeout: 10_000 } });
      pools.set(base.origin, pool);
    }
    targets.set(api.name, {
      api: api.name,
      origin: base.origin,
      basePath: base.pathname.replace(/\/+$/, ''),
      pool,
      auth: authHeader(api, env),
      extraHeaders: api.upstream.headers,
      hiddenResponseHeaders: new Set(api.upstream.hide_response_headers.map((h) => h.toLowerCase())),
      timeoutMs: api.upstream.timeout_seconds * 1000,
    });
  }
  return {
    get: (name) => targets.get(name),
    close: async () => {
      await Promise.all([...pools.values()].map((p) => p.close()));
    },
    cut: () => {
      for (const p of pools.values()) p.destroy(new CutByShutdown()).catch(() => {});
    },
  };
}

/** The base URL: the env override when set, else config. A bad URL stops start-up with a clear message. */
function baseUrl(api: Api, env: ProxyEnv): URL {
  const fromEnv = api.upstream.base_url_env ? env[api.upstream.base_url_env]?.trim() : undefined;
  const raw = fromEnv || api.upstream.base_url;
  const source = fromEnv ? `${api.upstream.base_url_env}` : `apis.${api.name}.upstream.base_url`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${source} is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${source} must be an http(s) URL`);
  if (url.username || url.password || url.search || url.hash) {
    throw new Error(`${source} must be an origin with an optional path: no credentials, query or fragment`);
  }
  return url;
}

function authHeader(api: Api, env: ProxyEnv): readonly [string, string] | null {
  const key = env[api.upstream.auth.key_env]?.trim();
  if (!key) return null;
  const scheme = api.upstream.auth.scheme.trim();
  return [api.upstream.auth.header, scheme ? `${scheme} ${key}` : key];
}
