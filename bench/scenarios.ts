// What each benchmark row sends, and to whom. Every paid row sends the same chat completion
// (gpt-4o-mini, 30 sats) that the direct row sends to the upstream itself.
import { UPSTREAM_KEY } from './abl-server.js';
import type { CpuReading } from './processes.js';

export const CHAT_PATH = '/v1/chat/completions';
export const MODELS_PATH = '/v1/models';
export const PROXY_PREFIX = '/api/v1/openai';
export const CHAT_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 16 });
export const PRICE_SATS = 30;

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Scenario {
  name: string;
  /** the direct row its added latency and throughput ratio are taken against */
  baseline: string | null;
  origin: string;
  /** the request for this worker (concurrent runs) — null when the scenario ran out of credentials */
  next(worker: number): RequestSpec | null;
  /** CPU readings of the process in the middle (and its database), when there is one */
  cpu?: () => Promise<CpuReading>;
}

const json = { 'content-type': 'application/json' };
const chat = (path: string, auth: string): RequestSpec => ({ method: 'POST', path, headers: { ...json, authorization: auth }, body: CHAT_BODY });

export const DIRECT = 'direct';
export const DIRECT_MODELS = 'direct GET /v1/models';
export const NGINX = 'nginx reverse proxy';
export const BARE_NODE = 'bare Node + undici proxy';
export const TOKEN_PGLITE = 'token path, PGlite';
export const TOKEN_PG = 'token path, PostgreSQL';
export const TOKEN_PG_UNPREPARED = 'token path, PostgreSQL, ABL_PG_PREPARED=false';
export const TOKEN_PG_ASYNC = 'what-if: token path, PostgreSQL, synchronous_commit=off';
export const L402 = 'L402 path, PostgreSQL';
export const FREE = 'free GET /v1/models, PostgreSQL server';

export function direct(upstream: string): Scenario {
  const spec = chat(CHAT_PATH, `Bearer ${UPSTREAM_KEY}`);
  return { name: DIRECT, baseline: null, origin: upstream, next: () => spec };
}

export function directModels(upstream: string): Scenario {
  const spec: RequestSpec = { method: 'GET', path: MODELS_PATH, headers: { authorization: `Bearer ${UPSTREAM_KEY}` } };
  return { name: DIRECT_MODELS, baseline: null, origin: upstream, next: () => spec };
}

export function nginx(url: string, cpu: () => Promise<CpuReading>): Scenario {
  const spec = chat(CHAT_PATH, `Bearer ${UPSTREAM_KEY}`);
  return { name: NGINX, baseline: DIRECT, origin: url, next: () => spec, cpu };
}

export function bareNode(url: string, cpu: () => Promise<CpuReading>): Scenario {
  const spec = chat(CHAT_PATH, `Bearer ${UPSTREAM_KEY}`);
  return { name: BARE_NODE, baseline: DIRECT, origin: url, next: () => spec, cpu };
}

/** Bearer abl_… as the openai SDK sends it; worker i pays with tokens[i] (sequential: tokens[0]). */
export function tokenPath(name: string, url: string, tokens: readonly string[], cpu: () => Promise<CpuReading>): Scenario {
  const specs = tokens.map((t) => chat(PROXY_PREFIX + CHAT_PATH, `Bearer ${t}`));
  return { name, baseline: DIRECT, origin: url, next: (worker) => specs[worker % specs.length]!, cpu };
}

/** Each request spends one pre-paid credential. */
export function l402Path(name: string, url: string, credentials: string[], cpu: () => Promise<CpuReading>): Scenario {
  return { name, baseline: DIRECT, origin: url, next: () => {
    const cred = credentials.pop();
    return cred === undefined ? null : chat(PROXY_PREFIX + CHAT_PATH, cred);
  }, cpu };
}

export function freePath(name: string, url: string, cpu: () => Promise<CpuReading>): Scenario {
  const spec: RequestSpec = { method: 'GET', path: PROXY_PREFIX + MODELS_PATH, headers: {} };
  return { name, baseline: DIRECT_MODELS, origin: url, next: () => spec, cpu };
}
