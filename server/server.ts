// Composition root: settings → catalog → store → ledger → wallet → services → app.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { chooseLogFormat, prettyDestination } from './logging/pretty.js';
import { requestForLog } from './logging/request-fields.js';
import { writeAdminLink } from './admin-link.js';
import { createAuthFailureGuard } from './auth-guard.js';
import { createAdminService } from './admin/service.js';
import { isMetered, type Catalog } from '../contract/catalog.js';
import { loadCatalog } from './catalog.js';
import type { Settings } from './config.js';
import { buildApp, type ConnectionTimeouts } from './http/app.js';
import { adminRoutes } from './http/routes/admin.js';
import { hireRoutes } from './http/routes/hire.js';
import { hireAdminRoutes } from './http/routes/hire-admin.js';
import { hireOperations } from './http/routes/hire-openapi.js';
import { hireAdminCommands } from './hire/admin-commands.js';
import { createHireService, hireRules } from './hire/index.js';
import { httpWebhookSender } from './hire/webhook-sender.js';
import { mcpOperations, mcpRoutes } from './http/routes/mcp.js';
import { proxyRoutes } from './http/routes/proxy.js';
import { tokenRoutes } from './http/routes/tokens.js';
import { usageRoutes } from './http/routes/usage.js';
import { BEAT_MS, ServingInstances } from './store/instances.js';
import { mppSessionOperations, mppSessionRoutes } from './http/routes/mpp-session.js';
import { createSessions, type Sessions } from './payments/sessions.js';
import { createTokenService } from './tokens/service.js';
import { deriveKey } from './wire/binding.js';
import { HIRE_API } from './hire/fees.js';
import { createPaymentGate } from './payments/gate.js';
import { renewalIntervalMs } from './payments/hold-renewals.js';
import { createPaidCalls } from './payments/paid-call.js';
import { ReserveAhead } from './payments/reserve-ahead.js';
import { prepareUpstreams } from './proxy/demo-upstream/index.js';
import { createProxy } from './proxy/index.js';
import { preloadTokenizers } from './metering/index.js';
import { startJobs } from './jobs.js';
import { createLedger, type Ledger } from './ledger/index.js';
import { invoiceWebhookUrl, openWallet } from './lightning/index.js';
import { refusesCredentials, watchReachability } from './lightning/reachability.js';
import { createRateLimiter } from './ratelimit.js';
import { loadRootKey } from './rootkey.js';
import { createMetrics } from './metrics/index.js';
import { createMcpToolbox } from './mcp/index.js';
import { openStore, type Db } from './store/index.js';
import { startupSummary } from './summary.js';
import { createTopupService } from './topup/service.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  devnodeUrl: string | null;
  /** for tests and operator tooling in the same process */
  ledger: Ledger;
  db: Db;
  /** MPP sessions: the idle sweep and the refund reconcile, callable on the server's clock */
  sessions: Sessions;
  /** holds taken ahead (ABL_RESERVE_AHEAD), null when off */
  reserveAhead: ReserveAhead | null;
  /** the serving-instances job's pass, callable on the server's clock: says this instance still serves (PostgreSQL), and gives back unused holds once another serves too */
  beatInstances(): Promise<void>;
  /** what `npm start` prints: the URL to open, what is configured and what is not */
  summary: string[];
  adminSecret(): string;
  close(): Promise<void>;
}

/** "USD 95000" → the currency and the price of 1 BTC (the format is checked in config.ts) */
function fiatRate(setting: string): { currency: string; per_btc: number } {
  const [currency, price] = setting.split(' ');
  return { currency: currency!, per_btc: Number(price) };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface StartOptions {
  /** the clock (Unix seconds) of everything the server decides by time; tests inject their own */
  now?: () => number;
  /** true when a person reads stdout (main passes process.stdout.isTTY): LOG_FORMAT=auto prints short lines */
  stdoutIsTTY?: boolean;
}

export async function startServer(settings: Settings, opts: StartOptions = {}): Promise<RunningServer> {
  const now = opts.now ?? nowSeconds;
  const format = chooseLogFormat({ setting: settings.LOG_FORMAT, stdoutIsTTY: opts.stdoutIsTTY ?? false, nodeEnv: settings.NODE_ENV });
  const logOptions = {
    level: settings.LOG_LEVEL,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-token"]', 'req.headers["x-api-key"]', 'req.headers.cookie'], remove: true },
    serializers: { req: requestForLog },
  };
  const log = format === 'pretty' ? pino(logOptions, prettyDestination(process.stdout, { color: opts.stdoutIsTTY ?? false })) : pino(logOptions);
  const catalog = loadCatalog(settings.ABL_CONFIG);
  const db = await openStore({ databaseUrl: settings.DATABASE_URL, dataDir: settings.ABL_DATA_DIR, preparedStatements: settings.ABL_PG_PREPARED === 'true', asyncSettlements: settings.ABL_PG_ASYNC_SETTLE === 'true' });
  const closers: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    const ledger = await createLedger(db, { now, settleBatch: settings.ABL_SETTLE_BATCH === 'true' && { lingerMs: settings.ABL_SETTLE_LINGER_MS }, reserveBatch: settings.ABL_RESERVE_BATCH === 'true' });
    // a flat-priced answer has gone before its settlement commits: the settlements finish before the store closes
    closers.unshift(() => ledger.drain());
    const rootKey = loadRootKey({ fromEnv: settings.L402_ROOT_KEY, dataDir: settings.ABL_DATA_DIR, warn: (m) => log.warn(m) });
    let webhookUrl: string | undefined = settings.ABL_PUBLIC_URL ? `${settings.ABL_PUBLIC_URL.replace(/\/$/, '')}/api/v1/webhooks/phoenixd` : undefined;
    const wallet = await openWallet({
      backend: settings.wallet,
      dataDir: settings.ABL_DATA_DIR,
      log: { warn: (m: string) => log.warn(m) },
    });
    closers.unshift(() => wallet.close());
    // a node that does not answer is said at start and in /api/v1/health, not only by 503s
    const walletReachability = watchReachability(wallet.wallet, {
      now: () => now() * 1000,
      onChange: (reachable, err) =>
        reachable
          ? log.info({ wallet: wallet.kind }, 'the wallet node answers')
          : log.warn(
              { wallet: wallet.kind, reason: err instanceof Error ? err.message : String(err) },
              refusesCredentials(err instanceof Error ? err.message : String(err))
                ? 'the wallet node refuses our credentials (its password, macaroon or rune): top-ups and 402 challenges answer 503 until it accepts them'
                : 'the wallet node does not answer: top-ups and 402 challenges answer 503 until it does',
            ),
    });
    await walletReachability.check();

    const metrics = createMetrics({ ledger });
    // a call the node failed is counted, and health asks the node again at its next read
    const walletFailed = (operation: string): void => {
      metrics.walletErrors.inc({ operation });
      walletReachability.sawFailure();
    };
    const limiter = createRateLimiter(db, { perMinute: settings.ABL_RATE_LIMIT, now });

    // development mode: an API without its key is answered by the built-in demo upstream
    const upstreams = await prepareUpstreams(catalog, settings.env, wallet.devnodeUrl !== null);
    closers.unshift(() => upstreams.close());
    const proxy = createProxy({ catalog: upstreams.catalog, env: upstreams.env });
    // the first metered call should not wait for a tokenizer to load (about 180 ms)
    preloadTokenizers(meteredModels(catalog)).catch((err: unknown) => log.warn({ err }, 'loading the tokenizers failed; they load on first use'));
    closers.unshift(() => proxy.close());
    const holdSeconds = holdLifetimeSeconds(catalog, settings.ABL_HOLD_SECONDS);
    if (holdSeconds <= longestUpstreamSeconds(catalog)) {
      log.warn({ holdSeconds, longestUpstreamSeconds: longestUpstreamSeconds(catalog) }, 'ABL_HOLD_SECONDS is not above the longest upstream timeout: a slow call may be served free');
    }
    const sessions = createSessions({
      db,
      ledger,
      wallet: wallet.wallet,
      rootKey,
      now,
      ...(settings.ABL_PUBLIC_URL ? { realm: new URL(settings.ABL_PUBLIC_URL).host } : {}),
      limiter,
      log,
      walletFailed,
      deposit: { defaultSats: 1000, minSats: catalog.topup.min_sats, maxSats: catalog.topup.max_sats, invoiceExpirySeconds: catalog.topup.invoice_expiry_seconds },
    });
    // every PostgreSQL instance says it serves, so one that finds itself alone may reserve ahead;
    // on the wall clock, not `now`: liveness is time between processes, and a moved clock would make the others look gone
    const instances = db.kind === 'postgres' ? new ServingInstances(db, nowSeconds) : null;
    if (instances) {
      await instances.register();
      closers.unshift(() => instances.leave());
    }
    // holds kept unused are seen as spent by other instances only: PGlite serves one by construction,
    // PostgreSQL reserves ahead by default only while no other instance serves it
    const aheadCount = settings.ABL_RESERVE_AHEAD ?? 64;
    const onlyWhileAlone = settings.ABL_RESERVE_AHEAD === undefined && instances ? instances : undefined;
    const reserveAhead =
      aheadCount > 0
        ? new ReserveAhead({ ledger, count: aheadCount, idleMs: settings.ABL_RESERVE_AHEAD_IDLE_MS, holdSeconds, now, nowMs: () => Date.now(), ...(onlyWhileAlone ? { onlyWhileAlone } : {}), log })
        : null;
    if (reserveAhead) closers.unshift(() => reserveAhead.close());
    const topups = createTopupService({
      onWalletError: walletFailed,
      limiter,
      db,
      ledger,
      wallet: wallet.wallet,
      now,
      limits: { minSats: catalog.topup.min_sats, maxSats: catalog.topup.max_sats, expirySeconds: catalog.topup.invoice_expiry_seconds },
      webhookUrl: () => invoiceWebhookUrl(settings.wallet, webhookUrl),
      ...(reserveAhead ? { reserveAhead } : {}),
    });
    // LND and Core Lightning tell of settled invoices over their own stream; each notice is confirmed by a lookup
    const stopNotices = wallet.wallet.onPaymentReceived?.((event) => {
      topups.onPaymentNotice(event.paymentHash).catch((err: unknown) => log.warn({ err }, 'a payment notice could not be recorded; the background poll will'));
    });
    if (stopNotices) closers.unshift(async () => stopNotices());
    /** says this instance still serves; another instance started: the holds kept unused here go back, it would see them as spent */
    const beatInstances = async (): Promise<void> => {
      if (instances && !(await instances.beat()) && onlyWhileAlone) await reserveAhead?.giveBackAll();
    };
    const gate = createPaymentGate({
      ledger,
      ...(reserveAhead ? { reserveAhead } : {}),
      sessions,
      wallet: wallet.wallet,
      rootKey,
      now,
      credentialTtlSeconds: catalog.l402.credential_ttl_seconds,
      holdSeconds,
      challengeOrder: settings.ABL_CHALLENGE_ORDER,
      ...(settings.ABL_PUBLIC_URL ? { realm: new URL(settings.ABL_PUBLIC_URL).host, publicUrl: settings.ABL_PUBLIC_URL } : {}),
      limiter,
      events: {
        challenged: (api) => metrics.challengesIssued.inc({ api }),
        // in sats to the millisat: a call of a few msat counts, rather than nothing each
        charged: (api, kind, msat) => {
          metrics.paidCalls.inc({ api, kind });
          metrics.satsCharged.add({ api, kind }, msat);
        },
        refunded: (api, kind, msat) => metrics.satsRefunded.add({ api, kind }, msat),
        walletFailed,
      },
      log,
    });

    // development mode (its own Lightning node) may send AI for Hire webhooks to local addresses
    const webhookSender = httpWebhookSender({ allowInternal: wallet.devnodeUrl !== null });
    const hire = createHireService({ db, ledger, wallet: wallet.wallet, gate, rules: hireRules(catalog.hire), now, log, onWalletError: walletFailed, ...(reserveAhead ? { reserveAhead } : {}) }, { webhookSender });
    const paidCall = createPaidCalls({ proxy, gate, ledger, now, sessions, renewEveryMs: renewalIntervalMs(holdSeconds), topUpWaitSeconds: settings.ABL_MPP_TOPUP_WAIT_SECONDS, onUpstreamError: (api, code) => metrics.upstreamErrors.inc({ api, code }), log });

    const authGuard = createAuthFailureGuard(db, { perMinute: settings.ABL_AUTH_FAILURE_LIMIT ?? settings.ABL_RATE_LIMIT, now });
    const tokens = createTokenService({ ledger, apiNames: [...catalog.apis.map((x) => x.name), HIRE_API], now, ...(reserveAhead ? { reserveAhead } : {}) });
    // the usage history's page cursors carry a balance: signed, so a page starts only where this server said
    const usageCursorKey = deriveKey(rootKey, 'usage-cursor');
    const mcpToolbox = createMcpToolbox({
      cursorKey: usageCursorKey,
      catalog,
      paidCall,
      hire,
      limiter,
      ledger,
      topups,
      tokens,
      now,
      ...(reserveAhead ? { reserveAhead } : {}),
      version: VERSION,
      onAuthFailure: (client) => authGuard.recordFailure(client).catch((err: unknown) => log.warn({ err }, 'recording a failed authentication failed')),
      log,
    });

    let adminSecret: string | null = null;
    const app = await buildApp({
      catalog,
      wallet: wallet.wallet,
      walletKind: wallet.kind,
      walletReachability,
      storeKind: db.kind,
      upstreams: upstreams.statuses,
      topups,
      ...(wallet.payWithDevWallet ? { payWithDevWallet: wallet.payWithDevWallet } : {}),
      ...(wallet.devPayee ? { devPayee: wallet.devPayee } : {}),
      ...(settings.ABL_FIAT_RATE ? { fiat: fiatRate(settings.ABL_FIAT_RATE) } : {}),
      plugins: [
        (a) => adminRoutes(a, { ledger, admin: createAdminService({ db, ledger, extra: hireAdminCommands(hire), ...(reserveAhead ? { reserveAhead } : {}) }), adminSecret: () => adminSecret }),
        (a) => hireRoutes(a, { hire, limiter }),
        (a) => hireAdminRoutes(a, { hire, adminSecret: () => adminSecret }),
        (a) => usageRoutes(a, { ledger, now, cursorKey: usageCursorKey, ...(reserveAhead ? { reserveAhead } : {}) }),
        (a) => mppSessionRoutes(a, { sessions, now }),
        (a) => tokenRoutes(a, { tokens }),
        (a) => mcpRoutes(a, { toolbox: mcpToolbox }),
        (a) => proxyRoutes(a, { paidCall, uploadLimitBytes: catalog.limits.upload_bytes, now }),
      ],
      version: VERSION,
      authGuard,
      operations: [...hireOperations(catalog.hire.max_price_sats), ...mcpOperations(), ...mppSessionOperations()],
      metrics,
      webDist: `${ROOT}web/dist`,
      logger: log,
      ...(settings.ABL_TRUST_PROXY ? { trustProxy: parseTrustProxy(settings.ABL_TRUST_PROXY) } : {}),
      timeouts: connectionTimeouts(settings, catalog),
    });

    const address = await app.listen({ port: settings.PORT, host: settings.HOST });
    const url = address.replace('[::1]', '127.0.0.1');
    webhookUrl ??= `${url}/api/v1/webhooks/phoenixd`;
    wallet.setWebhookUrl?.(`${url}/api/v1/webhooks/phoenixd`);
    const link = writeAdminLink(settings.ABL_DATA_DIR, url);
    adminSecret = link.secret;

    const stopJobs = startJobs(
      [
        { name: 'topup-poll', everyMs: 5_000, run: () => topups.pollPending() },
        { name: 'hold-sweep', everyMs: 30_000, atStart: true, run: () => ledger.sweepExpiredHolds(now()) },
        { name: 'rate-limit-prune', everyMs: 60_000, run: () => limiter.prune() },
        { name: 'hire-sweep', everyMs: 30_000, run: () => hire.sweep() },
        { name: 'hire-payout-reconcile', everyMs: 15_000, run: () => hire.reconcilePayouts() },
        { name: 'hire-webhooks', everyMs: 2_000, run: () => hire.deliverWebhooks() },
        { name: 'mpp-session-idle', everyMs: 30_000, run: () => sessions.expireIdle() },
        { name: 'mpp-refund-reconcile', everyMs: 15_000, run: () => sessions.reconcileRefunds() },
        ...(instances ? [{ name: 'serving-instances', everyMs: BEAT_MS, run: beatInstances }] : []),
      ],
      log,
    );

    return {
      app,
      url,
      devnodeUrl: wallet.devnodeUrl,
      ledger,
      db,
      sessions,
      reserveAhead,
      beatInstances,
      summary: startupSummary({ url, devnode: wallet.devnodeUrl !== null, walletKind: wallet.kind, walletReachable: walletReachability.reachable(), walletFailure: walletReachability.lastFailure(), store: db.kind, dataDir: settings.ABL_DATA_DIR, catalog, upstreams: upstreams.statuses }),
      adminSecret: () => link.secret,
      async close() {
        link.remove();
        // Keep-alive connections whose request finished after close() began are idle now:
        // drop them as they turn idle, or close() waits for the client to hang up.
        const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
        // calls still running when the grace is up are cut: they end as an upstream failure does,
        // their holds go back, and the server stops without leaving them for the sweep
        // a second later, connections still open (a client still sending its request, nothing
        // forwarded or held for it) are closed, so the server can finish stopping on its own
        let dropRest: NodeJS.Timeout | undefined;
        const cut = setTimeout(() => {
          log.warn({ graceMs: settings.ABL_SHUTDOWN_GRACE_MS }, 'calls still running when the shutdown grace was up are cut (nothing charged unless served)');
          proxy.cutInFlight();
          dropRest = setTimeout(() => app.server.closeAllConnections(), 1_000);
        }, settings.ABL_SHUTDOWN_GRACE_MS);
        try {
          await app.close();
        } finally {
          clearInterval(reaper);
          clearTimeout(cut);
          clearTimeout(dropRest);
        }
        await stopJobs();
        for (const close of closers) await close().catch(() => {});
      },
    };
  } catch (err) {
    for (const close of closers) await close().catch(() => {});
    throw err;
  }
}

/** The models priced by their tokens. */
function meteredModels(catalog: Catalog): string[] {
  return catalog.apis.flatMap((a) => a.endpoints.flatMap((e) => ('models' in e.price ? Object.entries(e.price.models).filter(([, p]) => isMetered(p)).map(([m]) => m) : [])));
}

/** The longest an upstream may take to answer, endpoint overrides included (seconds). */
export function longestUpstreamSeconds(catalog: Catalog): number {
  return Math.max(...catalog.apis.flatMap((a) => [a.upstream.timeout_seconds, ...a.endpoints.map((e) => e.timeout_seconds ?? 0)]));
}

/** A reservation outlives the longest upstream call, so the sweep never returns a live one. */
export function holdLifetimeSeconds(catalog: Catalog, setting: number | undefined): number {
  return setting ?? longestUpstreamSeconds(catalog) + 300;
}

/** The client-side timeouts from the settings; by default a silent connection outlives the slowest upstream. */
export function connectionTimeouts(settings: Settings, catalog: Catalog): ConnectionTimeouts {
  const ms = (s: number) => Math.round(s * 1000);
  return {
    headersMs: ms(settings.ABL_HEADERS_TIMEOUT_SECONDS),
    bodyMs: ms(settings.ABL_BODY_TIMEOUT_SECONDS),
    uploadMs: ms(settings.ABL_UPLOAD_TIMEOUT_SECONDS),
    keepAliveMs: ms(settings.ABL_KEEPALIVE_TIMEOUT_SECONDS),
    idleMs: ms(settings.ABL_IDLE_TIMEOUT_SECONDS ?? longestUpstreamSeconds(catalog) + 30),
  };
}

/** "true", "false", or a comma-separated list of trusted addresses / CIDRs. */
function parseTrustProxy(v: string): boolean | string[] {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
