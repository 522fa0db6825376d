// Sends one validated request to its upstream and hands back the answer as it arrives: the body
// is a stream (SSE, audio bytes) that is never buffered whole. Aborting `signal` aborts the
// upstream request at any point, before or during the body.
//
// Outcomes: 2xx and the upstream's own 4xx come back as a response (a 4xx is the upstream refusing
// the request: the route passes it through uncharged, with the operator's account ids scrubbed
// from a small JSON or text body, see scrub.ts, as they are from a free endpoint's answer). 3xx (nothing sold here redirects), 5xx,
// timeouts, network errors and a 401 (the upstream refusing OUR key: an operator problem, and its
// message can quote part of the key) throw AppError upstream_error. A failure after the headers
// (the stream breaks, the body timeout fires) is an 'error' event on `body`: the status line is
// gone by then. Headers carrying an account id never reach the client.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Api, Endpoint } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { checkClientHeaders, checkQuery } from './allow.js';
import { clientResponseHeaders, upstreamRequestHeaders, type HeaderMap } from './headers.js';
import { scrubHeaders, scrubSmallAnswer } from './scrub.js';
import { CutByShutdown, type UpstreamTarget, type Upstreams } from './upstream.js';

export interface ForwardRequest {
  api: Api;
  endpoint: Endpoint;
  /** must be the endpoint's method (the matcher guarantees it) */
  method: string;
  /** the query string as sent, with its `?`, or '' (MatchResult.search) */
  search: string;
  headers: IncomingHttpHeaders;
  /** the raw request body, forwarded byte for byte; null when there is none */
  body: Buffer | null;
  /** cancels the upstream request (not the client's leaving: a forwarded call is paid for) */
  signal?: AbortSignal;
  /** a free endpoint's answer (a model list names the operator's organisation): scrubbed as a 4xx's is */
  scrubAnswer?: boolean;
}

export interface ForwardResponse {
  status: number;
  headers: HeaderMap;
  body: Readable;
}

export type Forward = (req: ForwardRequest) => Promise<ForwardResponse>;

export function createForward(upstreams: Upstreams): Forward {
  return async (req) => {
    const target = upstreams.get(req.api.name);
    if (!target) throw new Error(`no upstream for api "${req.api.name}"`);
    if (req.method.toUpperCase() !== req.endpoint.method) throw new Error(`method ${req.method} does not match ${req.endpoint.method} ${req.endpoint.path}`);
    if (!target.auth) throw notConfigured(req.api);
    // the last gate: a header or query parameter the catalog does not allow is never forwarded
    // (validate() refuses them before any invoice when the route passes them; this holds anyway)
    checkQuery(req.endpoint, req.search);
    checkClientHeaders(req.api, req.headers);

    const timeoutMs = req.endpoint.timeout_seconds !== undefined ? req.endpoint.timeout_seconds * 1000 : target.timeoutMs;
    const body = req.endpoint.content_type === 'none' ? null : req.body;
    const headers = upstreamRequestHeaders(req.headers, {
      auth: target.auth,
      extra: target.extraHeaders,
      contentType: req.endpoint.content_type === 'json' && body ? jsonContentType(req.headers['content-type']) : undefined,
    });

    let res;
    try {
      res = await target.pool.request({
        path: `${target.basePath}${req.endpoint.path}${req.search}`,
        method: req.endpoint.method,
        headers,
        body,
        ...(req.signal ? { signal: req.signal } : {}),
        headersTimeout: timeoutMs,
        // the longest silence allowed between two body chunks (a stream may last longer in total)
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      throw requestFailure(err, req.signal, timeoutMs, target);
    }

    if (res.statusCode >= 500 || res.statusCode === 401 || (res.statusCode >= 300 && res.statusCode < 400)) {
      // read and drop the body so the connection goes back to the pool
      res.body.dump().catch(() => undefined);
      const what = res.statusCode < 400 ? 'answered with a redirect' : 'failed';
      throw withCause(new AppError('upstream_error', `The ${req.api.title} upstream ${what} (HTTP ${res.statusCode}); nothing was charged.`), null);
    }
    const answerHeaders = clientResponseHeaders(res.headers, target.hiddenResponseHeaders);
    if (res.statusCode >= 400 || req.scrubAnswer === true) {
      let scrubbed;
      try {
        scrubbed = await scrubSmallAnswer(answerHeaders, res.body);
      } catch (err) {
        throw requestFailure(err, req.signal, timeoutMs, target);
      }
      return { status: res.statusCode, ...scrubbed };
    }
    return { status: res.statusCode, headers: scrubHeaders(answerHeaders), body: res.body };
  };
}

export function notConfigured(api: Api): AppError {
  return new AppError('upstream_not_configured', `The ${api.title} upstream is not configured on this server.`);
}

/** The JSON endpoints read any body as JSON (contract), so the upstream is told it is JSON. */
function jsonContentType(client: string | undefined): string {
  return client && /^\s*application\/json\s*(;|$)/i.test(client) ? client : 'application/json';
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function requestFailure(err: unknown, signal: AbortSignal | undefined, timeoutMs: number, target: UpstreamTarget): AppError {
  if (signal?.aborted) return withCause(new AppError('upstream_error', 'The request was cancelled before the upstream answered.'), err);
  if (err instanceof CutByShutdown) return withCause(new AppError('upstream_error', 'The server is shutting down and cut this call before the upstream answered; nothing was charged.'), err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return withCause(new AppError('upstream_error', `The ${target.api} upstream did not answer within ${timeoutMs / 1000} s; nothing was charged.`), err);
  }
  return withCause(new AppError('upstream_error', `The ${target.api} upstream could not be reached; nothing was charged.`), err);
}

function withCause(e: AppError, cause: unknown): AppError {
  if (cause !== null) e.cause = cause;
  return e;
}
