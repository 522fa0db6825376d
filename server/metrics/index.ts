// Prometheus metrics: one registry per server (tests run several in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Ledger } from '../ledger/index.js';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  challengesIssued: Counter<'api'>;
  paidCalls: Counter<'api' | 'kind'>;
  satsCharged: MsatCounter;
  satsRefunded: MsatCounter;
  upstreamErrors: Counter<'api' | 'code'>;
  walletErrors: Counter<'operation'>;
}

/** A counter of sats kept exactly, in millisats, and shown as sats: adding floats call by call would drift (6.51499999999995). */
export interface MsatCounter {
  add(labels: { api: string; kind: string }, msat: bigint): void;
}

function msatCounter(registry: Registry, name: string, help: string): MsatCounter {
  const totals = new Map<string, { labels: { api: string; kind: string }; msat: bigint }>();
  new Counter({
    name,
    help,
    labelNames: ['api', 'kind'],
    registers: [registry],
    collect() {
      // one division per scrape of the exact total: the nearest double to the decimal
      this.reset();
      for (const t of totals.values()) this.inc(t.labels, Number(t.msat) / 1000);
    },
  });
  return {
    add(labels, msat) {
      const key = `${labels.api}\u0000${labels.kind}`;
      const t = totals.get(key);
      if (t) t.msat += msat;
      else totals.set(key, { labels: { ...labels }, msat });
    },
  };
}

export function createMetrics(opts: { ledger: Pick<Ledger, 'totals'>; defaultMetrics?: boolean }): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'abl_process_' });
  const labels = <T extends string>(names: T[]) => ({ labelNames: names, registers: [registry] });
  const m: Metrics = {
    registry,
    httpRequests: new Counter({ name: 'abl_http_requests_total', help: 'HTTP requests by route and status', ...labels(['method', 'route', 'status']) }),
    httpDuration: new Histogram({
      name: 'abl_http_request_duration_seconds',
      help: 'HTTP request latency (until the response headers and body were handed to the socket)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      ...labels(['method', 'route', 'status']),
    }),
    challengesIssued: new Counter({ name: 'abl_l402_challenges_total', help: '402 challenges issued (invoices created for pay-per-request)', ...labels(['api']) }),
    paidCalls: new Counter({ name: 'abl_paid_calls_total', help: 'paid calls served, by payment kind (token, l402, mpp, x402)', ...labels(['api', 'kind']) }),
    satsCharged: msatCounter(registry, 'abl_sats_charged_total', 'sats charged for served calls (to the millisat)'),
    satsRefunded: msatCounter(registry, 'abl_sats_refunded_total', 'sats reserved then given back (upstream failed or refused, client left)'),
    upstreamErrors: new Counter({ name: 'abl_upstream_errors_total', help: 'upstream failures (5xx, timeouts, network)', ...labels(['api', 'code']) }),
    walletErrors: new Counter({ name: 'abl_wallet_errors_total', help: 'Lightning backend calls that failed', ...labels(['operation']) }),
  };

  // Ledger totals: a few rows the money moves keep up to date (no scan of the journal per scrape).
  new Gauge({
    name: 'abl_ledger_msat',
    help: 'ledger totals in millisatoshis: user balances, and each system account',
    labelNames: ['account'],
    registers: [registry],
    async collect() {
      for (const [account, msat] of Object.entries(await opts.ledger.totals())) this.set({ account }, Number(msat));
    },
  });
  return m;
}
