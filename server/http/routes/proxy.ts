// /api/v1/<api>/<path>: the paid proxy. Parse the request, run the paid call, write the answer
// and its receipt; every rule of the call lives in server/payments/paid-call.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PaidCalls } from '../../payments/paid-call.js';
import { readCredentials } from '../credentials.js';
import { writeReceipt } from '../receipt.js';
import { writeSessionAnswer } from './mpp-session.js';

export interface ProxyRouteDeps {
  paidCall: PaidCalls;
  uploadLimitBytes: number;
  now: () => number;
}

export function proxyRoutes(app: FastifyInstance, deps: ProxyRouteDeps): void {
  async function handle(req: FastifyRequest, reply: FastifyReply) {
    let gone = false;
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) gone = true;
    });
    const answer = await deps.paidCall({
      method: req.method,
      rawUrl: req.raw.url ?? req.url,
      headers: req.headers,
      body: Buffer.isBuffer(req.body) ? req.body : null,
      // an API whose SDK sends its key as x-api-key (Anthropic's) takes the token there too
      credentials: (api) => readCredentials(req, { apiKeyHeader: api.upstream.auth.header.toLowerCase() === 'x-api-key' }),
      client: req.ip,
      clientGone: () => gone,
    });
    if (answer === null) return reply;
    if (answer.session) return writeSessionAnswer(reply, answer.session, deps.now());
    reply.code(answer.status);
    reply.headers(answer.headers);
    writeReceipt(reply, answer.receipt);
    return reply.send(answer.body);
  }

  app.route({ method: ['GET', 'POST', 'DELETE'], url: '/api/v1/:api/*', bodyLimit: deps.uploadLimitBytes, handler: handle });
}
