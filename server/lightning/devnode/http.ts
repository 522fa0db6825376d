// The development node's HTTP shell, mimicking phoenixd's Ktor server: form bodies, basic auth
// with any user name, and plain-text errors (401, 400, 404).
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { BadParameterError } from './params.js';

const UNAUTHORIZED = 'Invalid authentication (use basic auth with the http password set in phoenix.conf)';
const UNKNOWN_ENDPOINT = 'Unknown endpoint (check api doc)';
const TEXT = 'text/plain; charset=utf-8';

export function buildDevnodeHttp(password: string): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const form: Record<string, string> = Object.create(null) as Record<string, string>; // no inherited keys
    for (const [name, value] of new URLSearchParams(String(body))) form[name] = value;
    done(null, form);
  });
  // phoenixd reads form parameters only: any other body counts as no parameters.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, _body, done) => done(null, {}));

  app.addHook('onRequest', async (req, reply) => {
    if (!req.routeOptions.url) return; // unknown endpoints answer 404 without auth, as in phoenixd
    if (!passwordMatches(req.headers.authorization, password)) {
      return reply.code(401).header('www-authenticate', 'Basic realm="devnode", charset="UTF-8"').type(TEXT).send(UNAUTHORIZED);
    }
  });

  app.setNotFoundHandler((_req, reply) => reply.code(404).type(TEXT).send(UNKNOWN_ENDPOINT));
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof BadParameterError) return reply.code(400).type(TEXT).send(err.message);
    const status = typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 500;
    return reply.code(status).type(TEXT).send(err instanceof Error ? err.message : 'internal error');
  });
  return app;
}

/** Basic auth, user name ignored; compared as digests so the time does not depend on the input. */
function passwordMatches(header: string | undefined, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(decoded.slice(colon + 1)), digest(password));
}
