// A Fastify proxy that takes no payment: the floor of this server's own stack, as the bare Node
// proxy is the floor under any Node proxy. It does what a paid call must do besides the money:
// Fastify in, the body read as bytes and parsed as JSON (pricing reads it), undici's pool.request
// out, a small answer read whole and sent as one buffer, with the headers the contract puts on
// every paid JSON answer (X-Request-Id, X-Charged-Msats, X-Charged-Sats, X-Balance-Sats). What a
// paid row costs above this row is the payment. No hooks, CORS, metrics or logging: a lower floor
// than the server's own free path, so what it leaves for the payment is the most there could be.
// Run as its own process: `node --import tsx bench/fastify-proxy.ts <port> <upstream url>`.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { Pool } from 'undici';
import { HOP, HOP_BACK } from './bare-proxy.js';

// the answer goes back as one buffer, whose length Fastify sets
const HOP_BACK_WHOLE = new Set([...HOP_BACK, 'content-length']);

export async function startFastifyProxy(port: number, upstream: string): Promise<void> {
  const pool = new Pool(upstream);
  const app = Fastify({ logger: false, requestIdHeader: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.route({
    method: ['GET', 'POST'],
    url: '/*',
    handler: async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : null;
      if (body) JSON.parse(body.toString('utf8'));
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
      const res = await pool.request({ method: req.method as 'GET' | 'POST', path: req.url, headers, body });
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BACK_WHOLE.has(k)) out[k] = v;
      reply.code(res.statusCode).headers(out);
      reply.header('x-request-id', randomUUID());
      reply.header('x-charged-msats', '30000').header('x-charged-sats', '30').header('x-balance-sats', '199970');
      return reply.send(Buffer.from(await res.body.arrayBuffer()));
    },
  });
  await app.listen({ port, host: '127.0.0.1' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, upstream] = process.argv.slice(2);
  void startFastifyProxy(Number(port), upstream!).then(() => console.log(`Fastify proxy on 127.0.0.1:${port} → ${upstream}`));
  process.on('SIGTERM', () => process.exit(0));
}
