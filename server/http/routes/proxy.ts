// /api/v1/<api>/<path>: the paid proxy. Parse the request, run the paid call, write the answer
// and its receipt; every rule of the call lives in server/payments/paid-call.ts.
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Api } from '../../../contract/catalog.js';
import type { Credentials } from '../../payments/types.js';
import type { PaidCalls, ProxyCall } from '../../payments/paid-call.js';
import { isStreamRelay } from '../../payments/metered-answer.js';
import { readCredentials } from '../credentials.js';
import { writeReceipt } from '../receipt.js';
import { isSmallAnswer, readSmallAnswer } from '../small-answer.js';
import { writeSessionAnswer } from './mpp-session.js';

export interface ProxyRouteDeps {
  paidCall: PaidCalls;
  uploadLimitBytes: number;
  now: () => number;
}

/** One request as the paid call reads it; a class, so no named closures are made per request (tsx wraps each in __name). */
class RouteCall implements ProxyCall {
  readonly method: string;
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer | null;
  readonly client: string;
  constructor(private readonly req: FastifyRequest, private readonly res: ServerResponse) {
    this.method = req.method;
    this.rawUrl = req.raw.url ?? req.url;
    this.headers = req.headers;
    this.body = Buffer.isBuffer(req.body) ? req.body : null;
    this.client = req.ip;
  }

  // an API whose SDK sends its key as x-api-key (Anthropic's) takes the token there too
  credentials(api: Api): Credentials {
    return readCredentials(this.req, { apiKeyHeader: api.upstream.auth.header.toLowerCase() === 'x-api-key' });
  }

  /** the response was closed before it finished: the client went away */
  clientGone(): boolean {
    return this.res.closed && !this.res.writableFinished;
  }
}

export function proxyRoutes(app: FastifyInstance, deps: ProxyRouteDeps): void {
  async function handle(req: FastifyRequest, reply: FastifyReply) {
    const answer = await deps.paidCall(new RouteCall(req, reply.raw));
    if (answer === null) return reply;
    if (answer.session) return writeSessionAnswer(reply, answer.session, deps.now());
    reply.code(answer.status);
    reply.headers(answer.headers);
    writeReceipt(reply, answer.receipt);
    if (isStreamRelay(answer.body)) {
      // a metered stream writes itself: the headers (the receipt's ceiling among them) go at once
      reply.hijack();
      reply.raw.writeHead(answer.status, reply.getHeaders() as OutgoingHttpHeaders);
      answer.body.relayTo(reply.raw);
      // as Fastify says of a stream it pipes: the client left before the end (the answer is still read for its usage)
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) req.log.info('stream closed prematurely');
      });
      return reply;
    }
    const body = Buffer.isBuffer(answer.body) || !isSmallAnswer(answer.headers) ? answer.body : await readSmallAnswer(answer.body);
    return reply.send(body);
  }

  app.route({ method: ['GET', 'POST', 'DELETE'], url: '/api/v1/:api/*', bodyLimit: deps.uploadLimitBytes, handler: handle });
}
