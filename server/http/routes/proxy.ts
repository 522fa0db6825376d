// /api/v1/<api>/<path>: the paid proxy. Match and validate against the catalog before any
// invoice or charge, secure the payment, forward, then settle on a 2xx or give it back.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { msatToSats } from '../../../contract/money.js';
import { AppError } from '../../errors.js';
import type { PaymentGate, SecuredPayment } from '../../payments/gate.js';
import { matchError, notConfigured, type ApiProxy } from '../../proxy/index.js';
import type { CredentialCheck } from '../../credential-check.js';
import { readCredentials } from '../credentials.js';

export interface ProxyRouteDeps {
  proxy: ApiProxy;
  gate: PaymentGate;
  uploadLimitBytes: number;
  onUpstreamError?: (api: string, code: string) => void;
  /** an API without its upstream key: the credentials are checked (401) before 503 upstream_not_configured */
  checkCredentials?: CredentialCheck;
}

export function proxyRoutes(app: FastifyInstance, deps: ProxyRouteDeps): void {
  const { proxy, gate } = deps;

  async function handle(req: FastifyRequest, reply: FastifyReply) {
    const rawUrl = req.raw.url ?? req.url;
    const m = proxy.match(req.method, rawUrl);
    if (m.kind !== 'found') throw matchError(m, req.method, rawUrl);
    const rawBody = Buffer.isBuffer(req.body) ? req.body : null;
    const input = await proxy.parseBody(m.endpoint, req.headers['content-type'], rawBody);
    proxy.validate(m.endpoint, input);
    const price = proxy.price(m.endpoint, input);
    const creds = readCredentials(req, { apiKeyHeader: m.api.upstream.auth.header.toLowerCase() === 'x-api-key' });
    const publicPath = `/api/v1/${m.api.name}${m.endpoint.path}`;
    // validation and auth errors come first, "not configured" still before any invoice
    if (!proxy.isConfigured(m.api)) {
      await deps.checkCredentials?.(creds, { api: m.api.name, endpoint: `${m.endpoint.method} ${publicPath}`, priceMsat: price.priceMsat });
      throw notConfigured(m.api);
    }
    const payment = await gate.secure(
      {
        api: m.api.name,
        endpoint: `${m.endpoint.method} ${publicPath}`,
        priceMsat: price.priceMsat,
        description: `alittlebitofmoney ${m.api.name} ${m.endpoint.path}${price.model ? ` (${price.model})` : ''}`,
      },
      creds,
      req.ip,
    );

    // The client going away before the upstream answered cancels the call and its charge.
    const abort = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.on('close', onClose);

    let upstream;
    try {
      upstream = await proxy.forward({ api: m.api, endpoint: m.endpoint, method: req.method, search: m.search, headers: req.headers, body: rawBody, signal: abort.signal });
    } catch (err) {
      await payment.release();
      if (err instanceof AppError) deps.onUpstreamError?.(m.api.name, err.code);
      throw err;
    }
    const served = upstream.status >= 200 && upstream.status < 300;
    // Settlement runs off the response path: the hold already secured the money.
    void (served ? payment.commit() : payment.release()).catch((err: unknown) => req.log.error({ err }, 'settling a paid call failed'));

    reply.code(upstream.status);
    reply.headers(upstream.headers);
    paymentHeaders(reply, payment, served, price.priceMsat);
    return reply.send(upstream.body);
  }

  const bodyLimit = deps.uploadLimitBytes;
  app.route({ method: ['GET', 'POST', 'DELETE'], url: '/api/v1/:api/*', bodyLimit, handler: handle });
}

function paymentHeaders(reply: FastifyReply, payment: SecuredPayment, served: boolean, priceMsat: bigint): void {
  if (payment.kind === 'free') return;
  reply.header('x-charged-sats', served ? String(payment.chargedSats) : '0');
  if (payment.balanceMsat !== null) {
    const balance = payment.kind === 'token' && !served ? payment.balanceMsat + priceMsat : payment.balanceMsat;
    reply.header('x-balance-sats', String(msatToSats(balance)));
  }
}
