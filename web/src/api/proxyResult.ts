// Decodes the answer of a proxied call for the "Try it" panel: charge headers and a typed payload.
import { ApiError, networkError } from './errors';
import { parseErrorResponse } from './parseError';

export type ProxyPayload =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; blob: Blob; mime: string }
  | { kind: 'empty' };

export interface ProxyResult {
  status: number;
  ok: boolean;
  contentType: string;
  chargedSats: number | null;
  balanceSats: number | null;
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

export async function readProxyResponse(res: Response): Promise<ProxyResult> {
  const contentType = (res.headers.get('content-type') ?? '').toLowerCase();
  const base = {
    status: res.status,
    ok: res.ok,
    contentType,
    chargedSats: headerNumber(res.headers, 'X-Charged-Sats'),
    balanceSats: headerNumber(res.headers, 'X-Balance-Sats'),
  };
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
