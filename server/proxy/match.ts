// Finds the catalog endpoint a request names. Paths are compared AS SENT, segment by segment,
// with plain string equality: catalog paths hold only plain segments (the schema refuses `.`,
// `..`, empty segments and `%`), so `..`, `.`, `//`, a trailing `/` and percent-encoded bytes
// (`%2F`, `%2e%2e`) can never equal one of them and never reach another endpoint.
// A query parameter the endpoint does not allow (validation.query in the catalog) is refused here,
// the first thing a route does, so before any invoice.
import { API_PREFIX, type Api, type Catalog, type Endpoint } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { checkQuery } from './allow.js';

export type MatchResult =
  | { kind: 'found'; api: Api; endpoint: Endpoint; /** the query string as sent, with its `?`, or '' */ search: string }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; allow: Endpoint['method'][] }
  /** the endpoint exists, but the request carries what it does not take (a query parameter) */
  | { kind: 'refused'; error: AppError };

export type MatchMiss = Exclude<MatchResult, { kind: 'found' }>;

interface Route {
  api: Api;
  byMethod: Map<string, Endpoint>;
}

export type Matcher = (method: string, rawUrl: string) => MatchResult;

/** Builds the route table once; the returned function does one map lookup per request. */
export function createMatcher(catalog: Catalog): Matcher {
  // key: the public path, e.g. "/api/v1/openai/v1/chat/completions"
  const routes = new Map<string, Route>();
  for (const api of catalog.apis) {
    for (const endpoint of api.endpoints) {
      const key = `${API_PREFIX}/${api.name}${endpoint.path}`;
      const route = routes.get(key) ?? { api, byMethod: new Map<string, Endpoint>() };
      route.byMethod.set(endpoint.method, endpoint);
      routes.set(key, route);
    }
  }

  return (method, rawUrl) => {
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    // exact-key lookup is the segment-by-segment comparison: no decoding, no normalisation
    const route = routes.get(path);
    if (!route) return { kind: 'not_found' };
    const endpoint = route.byMethod.get(method.toUpperCase());
    if (!endpoint) return { kind: 'method_not_allowed', allow: [...route.byMethod.keys()] as Endpoint['method'][] };
    const search = q === -1 ? '' : safeSearch(rawUrl.slice(q));
    try {
      checkQuery(endpoint, search);
    } catch (err) {
      if (err instanceof AppError) return { kind: 'refused', error: err };
      throw err;
    }
    return { kind: 'found', api: route.api, endpoint, search };
  };
}

// Bytes a query may carry as they are (RFC 3986 query characters, `%` escapes kept as sent).
const QUERY_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;

/** The query as sent; any byte outside RFC 3986's query set is percent-encoded, as a browser would. */
export function safeSearch(search: string): string {
  if (QUERY_SAFE.test(search)) return search;
  let out = '';
  for (const ch of search) {
    if (QUERY_SAFE.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The contract error for a miss: 404 not_found, 405 with an Allow header, or the refusal. */
export function matchError(miss: MatchMiss, method: string, rawUrl: string): AppError {
  if (miss.kind === 'refused') return miss.error;
  const path = (rawUrl.split('?', 1)[0] ?? '').slice(0, 200);
  if (miss.kind === 'method_not_allowed') {
    return new AppError('method_not_allowed', `Method ${method} is not allowed on ${path}`, {}, {}, { allow: miss.allow });
  }
  return new AppError('not_found', `No endpoint at ${method} ${path}`);
}
