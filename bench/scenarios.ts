// What each benchmark row sends, and to whom. Every flat row sends the same chat completion
// (gpt-4o-mini-flat, 30 sats a call: bench/catalog.ts adds it) that the direct row sends to the
// upstream itself; a metered row sends the same body naming gpt-4o-mini, which the shipped catalog
// meters (an input bound counted with the tokenizer, a ceiling reserved, the usage read from the
// answer, the exact charge settled). Streamed rows send the same bodies with "stream": true.
import { UPSTREAM_KEY } from './abl-server.js';
import { FLAT_MODEL, METERED_MODEL } from './catalog.js';
import type { CpuReading } from './processes.js';

export const CHAT_PATH = '/v1/chat/completions';
export const MODELS_PATH = '/v1/models';
export const PROXY_PREFIX = '/api/v1/openai';
const chatBody = (model: string, more: Record<string, unknown> = {}): string =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 16, ...more });
/** flat: the direct, nginx, bare Node, token and L402 rows */
export const CHAT_BODY = chatBody(FLAT_MODEL);
export const METERED_CHAT_BODY = chatBody(METERED_MODEL);
/** the upstream answers 16 SSE chunks, back to back; a metered call also gets a usage chunk (the proxy asks for it) */
export const STREAM_BODY = chatBody(FLAT_MODEL, { stream: true });
export const METERED_STREAM_BODY = chatBody(METERED_MODEL, { stream: true });
/** the flat model's price (bench/catalog.ts) */
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
const chat = (path: string, auth: string, body = CHAT_BODY): RequestSpec => ({ method: 'POST', path, headers: { ...json, authorization: auth }, body });

export const DIRECT = 'direct';
export const DIRECT_STREAM = 'direct, streamed';
export const DIRECT_MODELS = 'direct GET /v1/models';
export const NGINX = 'nginx reverse proxy';
export const BARE_NODE = 'bare Node + undici proxy';
export const FASTIFY_FLOOR = 'Fastify + undici proxy, no payment';
/** the floor with the server's metering and no payment: what metering alone costs on this stack */
export const FASTIFY_FLOOR_METERED = 'Fastify + undici proxy, no payment, metered';
export const FASTIFY_FLOOR_STREAM = 'Fastify + undici proxy, no payment, streamed';
export const FASTIFY_FLOOR_STREAM_METERED = 'Fastify + undici proxy, no payment, streamed, metered';
export const TOKEN_PGLITE = 'token path, PGlite';
export const TOKEN_PG = 'token path, PostgreSQL';
export const TOKEN_PGLITE_METERED = 'token path, PGlite, metered';
export const TOKEN_PG_METERED = 'token path, PostgreSQL, metered';
export const TOKEN_PG_STREAM = 'token path, PostgreSQL, streamed';
export const TOKEN_PG_STREAM_METERED = 'token path, PostgreSQL, streamed, metered';
export const TOKEN_PG_UNPREPARED = 'token path, PostgreSQL, ABL_PG_PREPARED=false';
export const TOKEN_PG_ASYNC = 'what-if: token path, PostgreSQL, synchronous_commit=off';
/** both stores reserve ahead as shipped (PostgreSQL while one instance serves it): these rows are one reservation per call, as PostgreSQL serves with several instances */
export const TOKEN_PGLITE_ONE_BY_ONE = 'token path, PGlite, ABL_RESERVE_AHEAD=0';
export const TOKEN_PG_ONE_BY_ONE = 'token path, PostgreSQL, ABL_RESERVE_AHEAD=0';
export const TOKEN_PG_ONE_BY_ONE_METERED = 'token path, PostgreSQL, ABL_RESERVE_AHEAD=0, metered';
export const L402 = 'L402 path, PostgreSQL';
export const FREE = 'free GET /v1/models, PostgreSQL server';
/** --base DIR: the same rows served by another checkout (the code before a change), in the same run */
export const BASE = (row: string): string => `base: ${row}`;

/** [flat row, metered row] pairs: same server, same body but for the model; compared for CPU per call */
export const METERED_PAIRS: readonly (readonly [flat: string, metered: string])[] = [
  [TOKEN_PG, TOKEN_PG_METERED],
  [TOKEN_PGLITE, TOKEN_PGLITE_METERED],
  [TOKEN_PG_STREAM, TOKEN_PG_STREAM_METERED],
  [BASE(TOKEN_PG), BASE(TOKEN_PG_METERED)],
  [BASE(TOKEN_PGLITE), BASE(TOKEN_PGLITE_METERED)],
  [BASE(TOKEN_PG_STREAM), BASE(TOKEN_PG_STREAM_METERED)],
];

/** [flat, metered] pairs of the Fastify floor: metering alone, no payment, under the same load */
const JSON_FLOOR = [FASTIFY_FLOOR, FASTIFY_FLOOR_METERED] as const;
const STREAM_FLOOR = [FASTIFY_FLOOR_STREAM, FASTIFY_FLOOR_STREAM_METERED] as const;
const OWN_FLOOR: [metered: string, floor: readonly [string, string]][] = [
  [TOKEN_PG_METERED, JSON_FLOOR],
  [TOKEN_PGLITE_METERED, JSON_FLOOR], // the floor has no store: the PGlite pair's is the JSON one too
  [TOKEN_PG_STREAM_METERED, STREAM_FLOOR],
];
/** each paid metered row's floor pair, the base rows' as their own */
export const FLOOR_OF_PAIR: ReadonlyMap<string, readonly [flat: string, metered: string]> = new Map(OWN_FLOOR.flatMap(([row, floor]) => [[row, floor] as const, [BASE(row), floor] as const]));

export function direct(upstream: string): Scenario {
  const spec = chat(CHAT_PATH, `Bearer ${UPSTREAM_KEY}`);
  return { name: DIRECT, baseline: null, origin: upstream, next: () => spec };
}

export function directStream(upstream: string): Scenario {
  const spec = chat(CHAT_PATH, `Bearer ${UPSTREAM_KEY}`, STREAM_BODY);
  return { name: DIRECT_STREAM, baseline: null, origin: upstream, next: () => spec };
}

export function directModels(upstream: string): Scenario {
  const spec: RequestSpec = { method: 'GET', path: MODELS_PATH, headers: { authorization: `Bearer ${UPSTREAM_KEY}` } };
  return { name: DIRECT_MODELS, baseline: null, origin: upstream, next: () => spec };
}

export function nginx(url: string, cpu: () => Promise<CpuReading>): Scenario {
  const spec = chat(CHAT_PATH, `Bearer ${UPSTREAM_KEY}`);
  return { name: NGINX, baseline: DIRECT, origin: url, next: () => spec, cpu };
}

export function bareNode(url: string, cpu: () => Promise<CpuReading>, name = BARE_NODE): Scenario {
  const spec = chat(CHAT_PATH, `Bearer ${UPSTREAM_KEY}`);
  return { name, baseline: DIRECT, origin: url, next: () => spec, cpu };
}

/** bench/fastify-proxy.ts: this server's stack with no payment, the same request as the bare proxy's (or a paid row's body: metered, streamed) */
export function fastifyFloor(url: string, cpu: () => Promise<CpuReading>, name = FASTIFY_FLOOR, body = CHAT_BODY): Scenario {
  const spec = chat(CHAT_PATH, `Bearer ${UPSTREAM_KEY}`, body);
  return { name, baseline: isStreamBody(body) ? DIRECT_STREAM : DIRECT, origin: url, next: () => spec, cpu };
}

const isStreamBody = (body: string): boolean => body === STREAM_BODY || body === METERED_STREAM_BODY;

/**
 * Bearer abl_… as the openai SDK sends it; worker i pays with tokens[i] (sequential: tokens[0]).
 * `body`: CHAT_BODY (flat) unless given; a streamed body is measured against the streamed direct row.
 */
export function tokenPath(name: string, url: string, tokens: readonly string[], cpu: () => Promise<CpuReading>, body = CHAT_BODY): Scenario {
  const specs = tokens.map((t) => chat(PROXY_PREFIX + CHAT_PATH, `Bearer ${t}`, body));
  return { name, baseline: isStreamBody(body) ? DIRECT_STREAM : DIRECT, origin: url, next: (worker) => specs[worker % specs.length]!, cpu };
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
