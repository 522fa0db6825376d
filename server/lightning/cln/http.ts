// Core Lightning's clnrest client: every call is POST /v1/<method> with its parameters as a JSON
// object, the rune in the Rune header; a self-signed clnrest certificate can be the only one trusted.
import { JsonHttp } from '../json-http.js';

export interface ClnHttpOptions {
  baseUrl: string;
  rune: string;
  /** PEM of clnrest's certificate when self-signed; unset: the system's CAs */
  tlsCertPem?: string;
  timeoutMs: number;
}

export function clnHttp(opts: ClnHttpOptions): JsonHttp {
  return new JsonHttp({ baseUrl: opts.baseUrl, headers: { rune: opts.rune }, ...(opts.tlsCertPem ? { caPem: opts.tlsCertPem } : {}), timeoutMs: opts.timeoutMs });
}

/** clnrest answers a successful call 201 (older versions 200). */
export const isSuccess = (status: number): boolean => status === 200 || status === 201;
