// What a request's log line says of it: Fastify's fields, with any secret a client put in the URL
// (a token, a claim secret, a key in the query string: a common mistake) masked before it is written.
import type { FastifyRequest } from 'fastify';

// this server's own secrets wherever they stand, and any query value whose name says it is one
const OWN_SECRET = /\b(abl_|ablc_|abl%5F|ablc%5F)[A-Za-z0-9_%-]+/gi;
const SECRET_PARAM = /([?&](?:[^=&#]*(?:token|secret|key|password|preimage|macaroon|auth|bearer|credential|signature)[^=&#]*)=)[^&#]*/gi;

/** The URL as it may be logged. */
export function urlForLog(url: string): string {
  return url.replace(OWN_SECRET, '$1…').replace(SECRET_PARAM, '$1…');
}

/** pino's `req` serializer: Fastify's fields, the URL masked. */
export function requestForLog(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: urlForLog(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket ? req.socket.remotePort : undefined,
  };
}
