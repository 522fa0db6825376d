// The one place that talks HTTP: timeouts, the X-Token header, JSON in and out, error mapping.
import type { BalanceSink } from '../state/balanceStore';
import { ApiError, networkError } from './errors';
import { parseErrorResponse } from './parseError';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpConfig {
  /** '' for same origin (the app is served by the API server, or proxied by Vite) */
  baseUrl: string;
  fetch: FetchLike;
  timeoutMs: number;
  /** hears every balance an answer names (X-Balance-Sats, a body's balance_sats) */
  balances?: BalanceSink | undefined;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  token?: string | undefined;
  /** a plain value is sent as JSON; FormData as multipart */
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string>;
  /** the request's number for `balances`, when the caller took it (to tell a balance in the body) */
  ticket?: number | undefined;
}

/** A JSON call whose answer names a token's balance: `balanceIn` finds it in the body. */
export interface JsonOptions<T> extends RequestOptions {
  balanceIn?: (body: T) => { token: string; sats: number; msat?: number } | null;
}

/** X-Balance-Sats of an answer to `token`: what a paid call left it. */
function tellHeaderBalance(config: HttpConfig, token: string | undefined, res: Response, ticket: number | undefined): void {
  const raw = res.headers.get('X-Balance-Sats');
  if (!config.balances || !token || ticket === undefined || raw === null || raw.trim() === '') return;
  const sats = Number(raw);
  if (Number.isSafeInteger(sats)) config.balances.tell(token, sats, ticket);
}

/** Sends a request and resolves with the raw Response of any status; rejects only when no answer came. */
export async function send(config: HttpConfig, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.token) headers['X-Token'] = opts.token;
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const ticket = opts.ticket ?? config.balances?.ticket();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs ?? config.timeoutMs);
  const onOuterAbort = (): void => controller.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let res: Response;
  try {
    // the caller's signal stays linked once the answer came: cancelling also stops reading its body (a long stream)
    res = await config.fetch(config.baseUrl + path, { method: opts.method ?? 'GET', headers, body, signal: controller.signal });
  } catch (e) {
    opts.signal?.removeEventListener('abort', onOuterAbort);
    // a caller that cancelled on purpose gets its AbortError back, to ignore it
    if (opts.signal?.aborted && !timedOut) throw e;
    throw networkError(timedOut);
  } finally {
    clearTimeout(timer);
  }
  tellHeaderBalance(config, opts.token, res, ticket);
  return res;
}

/** Reads a non-2xx answer into an ApiError. */
export async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  return parseErrorResponse(res.status, res.statusText, res.headers.get('Retry-After'), text);
}

/** A JSON call: 2xx resolves with the parsed body, anything else rejects with an ApiError. */
export async function requestJson<T>(config: HttpConfig, path: string, opts: JsonOptions<T> = {}): Promise<T> {
  const ticket = opts.ticket ?? config.balances?.ticket();
  const res = await send(config, path, { ...opts, ticket });
  if (!res.ok) throw await errorFrom(res);
  const text = await res.text().catch(() => {
    throw networkError(false);
  });
  if (text === '') return undefined as T;
  let value: T;
  try {
    value = JSON.parse(text) as T;
  } catch {
    throw new ApiError({ code: 'unexpected_response', message: `The server answered ${res.status} with a body that is not JSON.`, status: res.status, body: text });
  }
  const told = opts.balanceIn?.(value);
  if (told && ticket !== undefined) config.balances?.tell(told.token, told.sats, ticket, told.msat);
  return value;
}
