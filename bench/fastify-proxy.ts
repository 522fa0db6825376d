// A Fastify proxy that takes no payment: the floor of this server's own stack, as the bare Node
// proxy is the floor under any Node proxy. It does what a paid call must do besides the money:
// Fastify in, the body read as bytes and parsed as JSON (pricing reads it), undici's pool.request
// out, a small answer read whole and sent as one buffer, with the headers the contract puts on
// every paid JSON answer (X-Request-Id, X-Charged-Msats, X-Charged-Sats, X-Balance-Sats); a
// stream passed on as it comes. What a paid row costs above this row is the payment. No hooks,
// CORS, metrics or logging: a lower floor than the server's own free path, so what it leaves for
// the payment is the most there could be.
// A body naming the bench catalog's metered model is also metered as the server meters it, with
// the server's own code and no payment (its input bound and ceiling, the usage read from the JSON
// answer or tapped from the stream, the charge): what metering alone costs on this stack.
// Run as its own process: `node --import tsx bench/fastify-proxy.ts <port> <upstream url> <catalog file>`.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { Pool } from 'undici';
import { msatToSatsUp } from '../contract/money.js';
import { parseCatalog } from '../server/catalog.js';
import { chargeAtMostCeiling } from '../server/metering/index.js';
import { meterStream, readJsonAnswer } from '../server/payments/metered-answer.js';
import { meteredRequest } from '../server/proxy/metered-request.js';
import { HOP, HOP_BACK } from './bare-proxy.js';
import { meteredChatPrice, METERED_MODEL } from './catalog.js';

// the answer goes back as one buffer, whose length Fastify sets
const HOP_BACK_WHOLE = new Set([...HOP_BACK, 'content-length']);

export async function startFastifyProxy(port: number, upstream: string, catalogFile: string): Promise<void> {
  const metering = meteredChatPrice(parseCatalog(readFileSync(catalogFile, 'utf8'), catalogFile), catalogFile);
  const pool = new Pool(upstream);
  const app = Fastify({ logger: false, requestIdHeader: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.route({
    method: ['GET', 'POST'],
    url: '/*',
    handler: async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : null;
      const parsed = body ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : null;
      const metered = body && parsed?.model === METERED_MODEL ? await meteredRequest({ shape: metering.shape, model: METERED_MODEL, price: metering.price, body: parsed, raw: body }) : null;
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
      const res = await pool.request({ method: req.method as 'GET' | 'POST', path: req.url, headers, body: metered ? metered.body : body });
      const streamed = /^text\/event-stream/i.test(String(res.headers['content-type'] ?? ''));
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !(streamed ? HOP_BACK : HOP_BACK_WHOLE).has(k)) out[k] = v;
      reply.code(res.statusCode).headers(out);
      reply.header('x-request-id', randomUUID());
      if (streamed) {
        // a stream's charge is known at its end (the server settles it there): computed, not sent
        if (!metered) return reply.send(res.body);
        // relayed as the server relays a metered stream (server/http/routes/proxy.ts)
        reply.hijack();
        reply.raw.writeHead(res.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
        meterStream(res.body, metered, async (outcome) => void chargeAtMostCeiling(metered.price, outcome.usage, metered.ceilingMsat)).relayTo(reply.raw);
        return reply;
      }
      let charged = 30_000n;
      let answer: Buffer;
      if (metered) {
        const json = await readJsonAnswer(res.body, metered);
        charged = chargeAtMostCeiling(metered.price, json.usage, metered.ceilingMsat).chargeMsat;
        answer = json.bytes;
      } else answer = Buffer.from(await res.body.arrayBuffer());
      reply.header('x-charged-msats', String(charged)).header('x-charged-sats', String(msatToSatsUp(charged))).header('x-balance-sats', '199970');
      return reply.send(answer);
    },
  });
  await app.listen({ port, host: '127.0.0.1' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, upstream, catalogFile] = process.argv.slice(2);
  void startFastifyProxy(Number(port), upstream!, catalogFile!).then(() => console.log(`Fastify proxy on 127.0.0.1:${port} → ${upstream}`));
  process.on('SIGTERM', () => process.exit(0));
}
