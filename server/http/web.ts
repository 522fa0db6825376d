// Serves the built web app: hashed assets cached for a year, index.html for every other
// non-API path (client-side routes), with security headers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob: https:; media-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self' https: wss:; frame-ancestors 'none'; base-uri 'self'",
};

export async function webApp(app: FastifyInstance, distDir: string): Promise<boolean> {
  if (!existsSync(join(distDir, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    // serve what the build holds now, not what it held at start-up (rebuilds under a running server)
    wildcard: true,
    index: false,
    // the build writes .br and .gz beside each text file (scripts/lib/precompress.ts): sent as they are, with Vary
    preCompressed: true,
    setHeaders(reply, path) {
      reply.headers(SECURITY_HEADERS);
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // the static wildcard also matches "/", where @fastify/send refuses a directory (403 → 500): the home page is the app
  app.get('/', (_req, reply) => sendIndex(reply));
  return true;
}

export function sendIndex(reply: import('fastify').FastifyReply): import('fastify').FastifyReply {
  return reply
    .headers(SECURITY_HEADERS).header('cache-control', 'no-cache').sendFile('index.html');
}
