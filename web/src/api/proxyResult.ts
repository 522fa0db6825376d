// Decodes the answer of a proxied call for the "Try it" panel: receipt headers and a typed payload.
import { ApiError, networkError } from './errors';
import { parseErrorResponse } from './parseError';

export type ProxyPayload =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; blob: Blob; mime: string }
  | { kind: 'empty' };

/** What the answer's status line and headers say, known before its body arrives. */
export interface ProxyHead {
  status: number;
  ok: boolean;
  contentType: string;
  /** server-sent events: a metered stream's charge is known only once it ended */
  streamed: boolean;
  /** X-Request-Id: names the call at GET /api/v1/usage/{id} */
  requestId: string | null;
  /** X-Charged-Sats: the actual charge, rounded up (a JSON answer) */
  chargedSats: number | null;
  /** X-Charged-Msats: the exact charge */
  chargedMsats: number | null;
  /** X-Max-Charge-Sats: a metered stream's ceiling, held while it runs */
  maxChargeSats: number | null;
  balanceSats: number | null;
}

export interface ProxyResult extends ProxyHead {
  payload: ProxyPayload;
  /** set for a non-2xx answer */
  error: ApiError | null;
}

function headerNumber(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

const isTextual = (type: string): boolean =>
  type.startsWith('text/') || type.includes('json') || type.includes('xml') || type.includes('event-stream');

function textPayload(text: string, type: string): ProxyPayload {
  if (text === '') return { kind: 'empty' };
  if (type.includes('json')) {
    try {
      return { kind: 'json', value: JSON.parse(text) };
    } catch {
      return { kind: 'text', text };
    }
  }
  return { kind: 'text', text };
}

export function readProxyHead(res: Response): ProxyHead {
  const contentType = (res.headers.get('content-type') ?? '').toLowerCase();
  return {
    status: res.status,
    ok: res.ok,
    contentType,
    streamed: contentType.includes('event-stream'),
    requestId: res.headers.get('X-Request-Id') || null,
    chargedSats: headerNumber(res.headers, 'X-Charged-Sats'),
    chargedMsats: headerNumber(res.headers, 'X-Charged-Msats'),
    maxChargeSats: headerNumber(res.headers, 'X-Max-Charge-Sats'),
    balanceSats: headerNumber(res.headers, 'X-Balance-Sats'),
  };
}

/** `onHead` hears the headers before the body is read: a stream's ceiling shows while it runs. */
export async function readProxyResponse(res: Response, onHead?: (head: ProxyHead) => void): Promise<ProxyResult> {
  const base = readProxyHead(res);
  const { contentType } = base;
  onHead?.(base);
  try {
    if (res.ok && contentType !== '' && !isTextual(contentType)) {
      const blob = await res.blob();
      return { ...base, payload: { kind: 'binary', blob, mime: contentType.split(';')[0] ?? contentType }, error: null };
    }
    const text = await res.text();
    const error = res.ok ? null : parseErrorResponse(res.status, res.statusText, res.headers.get('Retry-After'), text);
    return { ...base, payload: textPayload(text, contentType || 'application/json'), error };
  } catch {
    // the answer started but its body broke off
    throw networkError(false);
  }
}
