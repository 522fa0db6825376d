// Which headers cross the proxy, in each direction. Pure.
import type { IncomingHttpHeaders } from 'node:http';

export type HeaderMap = Record<string, string | string[]>;

// RFC 9110 §7.6.1 hop-by-hop headers: they describe one connection, never the next one
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

// client credentials and cookies are ours, never the upstream's; host and length are recomputed;
// undici refuses `expect`; client addresses stay private (people pay in sats to stay anonymous)
const CLIENT_ONLY = new Set(['authorization', 'x-token', 'x-api-key', 'cookie', 'host', 'content-length', 'expect', 'forwarded', 'x-real-ip', 'via']);

// cookies, HSTS, Alt-Svc and CORS describe the upstream's origin and would wrongly apply to ours
const UPSTREAM_ONLY = new Set(['set-cookie', 'set-cookie2', 'strict-transport-security', 'alt-svc']);

// the Connection values nearly every request and answer carries, parsed once
const NAMED_NONE: ReadonlySet<string> = new Set();
const NAMED_COMMON = new Map<string, ReadonlySet<string>>([
  ['keep-alive', new Set(['keep-alive'])],
  ['close', new Set(['close'])],
]);

/** Header names listed in a Connection header (they are hop-by-hop too). */
function connectionNamed(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const raw = headers.connection;
  if (raw === undefined) return NAMED_NONE;
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  const common = NAMED_COMMON.get(value) ?? NAMED_COMMON.get(value.trim().toLowerCase());
  if (common) return common;
  return new Set(value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
}

function isHopByHop(name: string, named: ReadonlySet<string>): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || named.has(name);
}

export interface UpstreamHeaderOptions {
  /** the upstream key header, e.g. ["authorization", "Bearer sk-..."] */
  auth: readonly [name: string, value: string];
  /** headers from config, sent on every call; they win over the client's */
  extra: Readonly<Record<string, string>>;
  /** replaces the client's Content-Type (JSON endpoints), or undefined to keep it */
  contentType?: string;
}

// the codings scrub.ts can read back: an upstream error body must be readable to be scrubbed
const DECODABLE = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'identity']);

/** The client's Accept-Encoding without codings the proxy cannot decode (zstd, `*`); undefined when none is left. */
export function decodableAcceptEncoding(value: string | string[]): string | undefined {
  const kept = (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => DECODABLE.has((s.split(';', 1)[0] ?? '').trim().toLowerCase()));
  return kept.length > 0 ? kept.join(', ') : undefined;
}

/** The headers sent upstream: the client's, minus credentials and hop-by-hop ones, plus ours. */
export function upstreamRequestHeaders(client: IncomingHttpHeaders, opts: UpstreamHeaderOptions): HeaderMap {
  const named = connectionNamed(client);
  const out: HeaderMap = {};
  for (const rawName of Object.keys(client)) {
    const value = client[rawName];
    const name = rawName.toLowerCase();
    if (value === undefined || CLIENT_ONLY.has(name) || name.startsWith('x-forwarded-') || isHopByHop(name, named)) continue;
    if (name === 'accept-encoding') {
      const accepted = decodableAcceptEncoding(value);
      if (accepted !== undefined) out[name] = accepted;
      continue;
    }
    out[name] = value;
  }
  for (const name of Object.keys(opts.extra)) out[name.toLowerCase()] = opts.extra[name]!;
  if (opts.contentType !== undefined) out['content-type'] = opts.contentType;
  out[opts.auth[0].toLowerCase()] = opts.auth[1];
  return out;
}

/**
 * The upstream's response headers the client sees. Content-Length stays: the body passes byte
 * for byte, and it lets the client notice a body cut short. `hidden` are the names config hides
 * (e.g. the operator's organisation id).
 */
export function clientResponseHeaders(upstream: IncomingHttpHeaders, hidden: ReadonlySet<string>): HeaderMap {
  const named = connectionNamed(upstream);
  const out: HeaderMap = {};
  for (const rawName of Object.keys(upstream)) {
    const value = upstream[rawName];
    const name = rawName.toLowerCase();
    if (value === undefined || UPSTREAM_ONLY.has(name) || name.startsWith('access-control-') || hidden.has(name) || isHopByHop(name, named)) continue;
    out[name] = value;
  }
  return out;
}
