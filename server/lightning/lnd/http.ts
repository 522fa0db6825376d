// LND's REST API client: the macaroon (hex) in the Grpc-Metadata-macaroon header, and LND's TLS
// certificate (self-signed by default) as the only one trusted for the node.
import { JsonHttp } from '../json-http.js';

export interface LndHttpOptions {
  baseUrl: string;
  macaroonHex: string;
  /** PEM of LND's tls.cert; unset: the system's CAs (a node behind a proxy with a public certificate) */
  tlsCertPem?: string;
  timeoutMs: number;
}

export function lndHttp(opts: LndHttpOptions): JsonHttp {
  return new JsonHttp({
    baseUrl: opts.baseUrl,
    headers: { 'grpc-metadata-macaroon': opts.macaroonHex },
    ...(opts.tlsCertPem ? { caPem: opts.tlsCertPem } : {}),
    timeoutMs: opts.timeoutMs,
  });
}

/** Path-safe base64 of a hash, as LND's REST gateway takes `bytes` in a URL path or query. */
export function base64UrlOfHex(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url');
}
