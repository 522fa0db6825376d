// The proxy as a paid call uses it (server/payments/paid-call.ts): one object, built once from
// the catalog and the env — match, parse, validate, price, forward.
import type { Api, Catalog, Endpoint } from '../../contract/catalog.js';
import { inputFields, parseBody, type RequestInput } from './body.js';
import { createForward, type Forward } from './forward.js';
import { createMatcher, type Matcher } from './match.js';
import { priceOf, type CallPrice } from './price.js';
import { createUpstreams, type ProxyEnv } from './upstream.js';
import { validateRequest, type RequestExtras } from './validate.js';

export interface ProxyDeps {
  catalog: Catalog;
  /** the environment holding upstream keys and base URL overrides (server/config.ts passes it) */
  env: ProxyEnv;
}

export interface ApiProxy {
  match: Matcher;
  /** true when the API's upstream key is set; false → answer upstream_not_configured before any invoice */
  isConfigured(api: Api | string): boolean;
  /** reads a buffered body as the endpoint takes it; throws invalid_json, payload_too_large... */
  parseBody(endpoint: Endpoint, contentType: string | undefined, raw: Buffer | null): Promise<RequestInput>;
  /** throws missing_required_field | invalid_field_type | invalid_field_value */
  validate(endpoint: Endpoint, input: RequestInput, extras?: RequestExtras): void;
  price(endpoint: Endpoint, input: RequestInput): CallPrice;
  forward: Forward;
  /** closes the upstream connection pools, waiting for requests in flight */
  close(): Promise<void>;
  /** ends the upstream requests in flight at once: their calls fail as the upstream's failures do (nothing charged unless served) */
  cutInFlight(): void;
}

export function createProxy({ catalog, env }: ProxyDeps): ApiProxy {
  const upstreams = createUpstreams(catalog, env);
  return {
    match: createMatcher(catalog),
    isConfigured: (api) => upstreams.get(typeof api === 'string' ? api : api.name)?.auth != null,
    parseBody: (endpoint, contentType, raw) => parseBody(endpoint, contentType, raw, catalog.limits),
    validate: validateRequest,
    price: (endpoint, input) => priceOf(endpoint, inputFields(input)),
    forward: createForward(upstreams),
    close: () => upstreams.close(),
    cutInFlight: () => upstreams.cut(),
  };
}

export { matchError, type MatchResult, type MatchMiss } from './match.js';
export { notConfigured, type ForwardRequest, type ForwardResponse } from './forward.js';
export type { RequestInput } from './body.js';
export type { CallPrice } from './price.js';
export type { MultipartParts, UploadedFile } from './multipart.js';
export type { ProxyEnv } from './upstream.js';
export type { RequestExtras } from './validate.js';
