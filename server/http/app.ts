// buildApp(deps): the whole HTTP surface as a Fastify instance; main.ts only listens.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Catalog, UpstreamStatus } from '../../contract/catalog.js';
import type { WalletBackend } from '../lightning/backend.js';
import type { AuthFailureGuard } from '../auth-guard.js';
import type { Metrics } from '../metrics/index.js';
import type { TopupService } from '../topup/service.js';
import { RequestLogger } from '../logging/request-logger.js';
import { clientErrorHandler, errorHandler, frameworkErrorHandler, noRoute, sendError } from './errors.js';
import { RouteShapes } from './route-shapes.js';
import { buildOpenApi, coreOperations, type OperationSpec } from './openapi.js';
import { devRoutes } from './routes/dev.js';
import { metaRoutes } from './routes/meta.js';
import { topupRoutes } from './routes/topup.js';
import { webhookRoutes } from './routes/webhooks.js';
import { sendIndex, webApp } from './web.js';
import type { DevPayee } from '../lightning/devnode/payee.js';
import type { WalletReachability } from '../lightning/reachability.js';

export interface AppDeps {
  catalog: Catalog;
  wallet: WalletBackend;
  walletKind: 'devnode' | 'phoenixd' | 'lnd' | 'cln' | 'nwc';
  storeKind: 'pglite' | 'postgres';
  /** per API: its real upstream, the development-mode demo, or none (health and catalog show it) */
  upstreams?: Record<string, UpstreamStatus>;
  topups: TopupService;
  /** present only with the development node */
  payWithDevWallet?: (bolt11: string) => Promise<{ preimage: string }>;
  /** the operator's rate for a fiat hint beside sats (ABL_FIAT_RATE) */
  fiat?: { currency: string; per_btc: number };
  /** whether the wallet's node answers, for /api/v1/health */
  walletReachability?: WalletReachability;
  /** present only with the development node: the second wallet that withdrawals can pay */
  devPayee?: DevPayee;
  /** extra route groups (proxy, AI for Hire), registered after the core ones */
  plugins?: ((app: FastifyInstance) => void | Promise<void>)[];
  version: string;
  authGuard?: AuthFailureGuard;
  /** OpenAPI descriptions of the route groups in `plugins` */
  operations?: OperationSpec[];
  metrics?: Metrics;
  webDist?: string;
  logger?: FastifyBaseLogger;
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** how long a client may take over each part of a connection; DEFAULT_TIMEOUTS when left out */
  timeouts?: ConnectionTimeouts;
}

/** Milliseconds. A slow client must not hold a socket (and its buffered body) for ever. */
export interface ConnectionTimeouts {
  /** from the connection's first byte to the end of the request headers */
  headersMs: number;
  /** from the end of the headers to the end of the body, for JSON and every other body */
  bodyMs: number;
  /** the same for a multipart upload to a route whose body limit is above the JSON one */
  uploadMs: number;
  /** an idle keep-alive connection between two requests */
  keepAliveMs: number;
  /** no bytes in either direction, during a request or its answer (must outlast the slowest upstream) */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: ConnectionTimeouts = { headersMs: 15_000, bodyMs: 30_000, uploadMs: 120_000, keepAliveMs: 65_000, idleMs: 330_000 };

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A body must arrive within bodyMs of its headers, or uploadMs for a multipart body on a route that
 * takes uploads (its body limit is above the JSON one): a client trickling bytes is cut off, its
 * socket destroyed, instead of holding the socket and its buffered body for ever.
 */
function cutSlowBody(req: FastifyRequest, t: ConnectionTimeouts, jsonLimit: number): void {
  const raw = req.raw;
  const hasBody = raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;
  if (!hasBody || raw.complete) return;
  const upload = (req.routeOptions.bodyLimit ?? 0) > jsonLimit && /^\s*multipart\//i.test(raw.headers['content-type'] ?? '');
  const timer = setTimeout(destroyIfIncomplete, upload ? t.uploadMs : t.bodyMs, raw);
  timer.unref();
  (raw as TimedBody)[BODY_TIMER] = timer;
  raw.once('end', clearBodyTimer);
  raw.once('close', clearBodyTimer);
}

function destroyIfIncomplete(raw: IncomingMessage): void {
  if (!raw.complete) raw.socket?.destroy();
}

// the timer rides on the request, so its listeners are module functions, not closures per request
const BODY_TIMER = Symbol('bodyTimer');
type TimedBody = IncomingMessage & { [BODY_TIMER]?: NodeJS.Timeout };

function clearBodyTimer(this: TimedBody): void {
  clearTimeout(this[BODY_TIMER]);
}

function anyOriginAsked(origin: string | undefined, done: (err: Error | null, allow: string | false) => void): void {
  done(null, origin === undefined ? false : '*');
}

const carriesCredentials = (h: IncomingHttpHeaders): boolean =>
  h.authorization !== undefined || h['x-token'] !== undefined || h['x-api-key'] !== undefined || h['x-phoenix-signature'] !== undefined;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const t = deps.timeouts ?? DEFAULT_TIMEOUTS;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger, childLoggerFactory: (logger, bindings, opts) => new RequestLogger(logger, bindings, opts) } : { logger: false }),
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: deps.catalog.limits.json_body_bytes,
    // Node's own limits: headers, the whole request as a backstop (the hook below cuts bodies per
    // route), idle keep-alive, and socket inactivity; the checks run often enough for short limits
    http: {
      headersTimeout: t.headersMs,
      requestTimeout: t.headersMs + Math.max(t.bodyMs, t.uploadMs),
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(t.headersMs, t.bodyMs) / 4))),
    },
    requestTimeout: t.headersMs + Math.max(t.bodyMs, t.uploadMs),
    keepAliveTimeout: t.keepAliveMs,
    connectionTimeout: t.idleMs,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    return503OnClosing: true,
  });

  // every route added from here on, by its path shape: a known path asked with another method is a 405
  const shapes = new RouteShapes();
  app.addHook('onRoute', (route) => shapes.add(route.url, route.method, route.config));

  // Every body arrives as bytes: JSON routes parse it themselves, the proxy forwards it untouched.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // one callback-style hook for what every request needs: an async hook costs a promise and a tick
  const jsonLimit = deps.catalog.limits.json_body_bytes;
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    cutSlowBody(req, t, jsonLimit);
    done();
  });

  await app.register(cors, {
    // any origin; only a browser's request (it sends Origin) reads CORS headers, so the SDKs' and
    // agents' answers go without them (Vary: Origin tells caches the answer depends on it)
    origin: anyOriginAsked,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    // the headers a preflight asks for are allowed (no allowedHeaders: the plugin echoes them): the
    // OpenAI and Anthropic SDKs in a browser send their own (X-Stainless-*, Anthropic-*), MCP
    // clients Mcp-*, x402 Payment-Signature; no cookie is ever read, so no header grants more
    // joined once here: given a list, the plugin joins it again on every response
    exposedHeaders: ['WWW-Authenticate', 'X-Charged-Sats', 'X-Charged-Msats', 'X-Max-Charge-Sats', 'X-Balance-Sats', 'X-Request-Id', 'X-Next-Cursor', 'X-Balance-Low', 'Retry-After', 'Payment-Required', 'Payment-Response', 'Payment-Receipt'].join(', '),
    maxAge: 600,
  });

  // a path of ours the proxy's catch-all took with a method it does not take: 405, not 404
  app.setErrorHandler((err, req, reply) => errorHandler(err, req, reply, shapes));

  // after cors: a refusal carries its headers
  const guard = deps.authGuard;
  if (guard) {
    app.addHook('onRequest', (req, _reply, done) => {
      if (!carriesCredentials(req.headers)) return done();
      try {
        guard.assertAllowed(req.ip);
      } catch (err) {
        return done(err as Error);
      }
      done();
    });
  }

  const metrics = deps.metrics;
  if (guard || metrics) {
    app.addHook('onResponse', (req, reply, done) => {
      if (guard && reply.statusCode === 401 && carriesCredentials(req.headers)) {
        guard.recordFailure(req.ip).catch((err: unknown) => req.log.warn({ err }, 'recording a failed authentication failed'));
      }
      if (metrics) {
        const labels = { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
        metrics.httpRequests.inc(labels);
        metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
      }
      done();
    });
  }
  if (metrics) app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  const openapi = buildOpenApi({ catalog: deps.catalog, version: deps.version, operations: [...coreOperations(deps.catalog), ...(deps.operations ?? [])] });
  metaRoutes(app, { catalog: deps.catalog, walletKind: deps.walletKind, storeKind: deps.storeKind, version: deps.version, openapi, ...(deps.upstreams ? { upstreams: deps.upstreams } : {}), ...(deps.fiat ? { fiat: deps.fiat } : {}), ...(deps.walletReachability ? { walletReachability: deps.walletReachability } : {}) });
  topupRoutes(app, { topups: deps.topups, limits: { minSats: deps.catalog.topup.min_sats, maxSats: deps.catalog.topup.max_sats } });
  webhookRoutes(app, { wallet: deps.wallet, topups: deps.topups });
  if (deps.payWithDevWallet) devRoutes(app, { payWithDevWallet: deps.payWithDevWallet, ...(deps.devPayee ? { devPayee: deps.devPayee } : {}) });
  for (const plugin of deps.plugins ?? []) await plugin(app);

  const hasWeb = deps.webDist ? await webApp(app, deps.webDist) : false;
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // client-side routes get the app; a missing asset stays a 404 (never HTML as JavaScript)
    if (hasWeb && req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/') && path !== '/metrics') return sendIndex(reply);
    return sendError(reply, shapes.wrongMethod(req.method, path) ?? noRoute(req.method, path));
  });

  return app;
}
