// What `npm start` prints once the server listens: the URL to open, and what is configured and what
// is not (the wallet, the store, each API's upstream), so a first run explains itself.
import type { Catalog, UpstreamStatus } from '../contract/catalog.js';
import { describeUpstreams } from './proxy/demo-upstream/index.js';

const REAL_WALLETS: Record<string, string> = {
  phoenixd: 'phoenixd (PHOENIXD_URL)',
  lnd: 'LND (LND_REST_URL)',
  cln: 'Core Lightning (CLN_REST_URL)',
  nwc: 'Nostr Wallet Connect (NWC_URL)',
};

export function startupSummary(p: {
  url: string;
  devnode: boolean;
  /** the real wallet backend, when not the devnode */
  walletKind?: string;
  /** whether its node answered at start (null: not known) */
  walletReachable?: boolean | null;
  store: string;
  dataDir: string;
  catalog: Catalog;
  upstreams: Record<string, UpstreamStatus>;
}): string[] {
  return [
    `alittlebitofmoney is ready — open ${p.url}`,
    p.devnode
      ? '  wallet: built-in development Lightning node (regtest, no real money; set PHOENIXD_URL for real payments). ' +
        'Pay invoices with the web app\'s development wallet or POST /api/v1/dev/pay; ' +
        'withdraw to the development payee wallet\'s invoices (POST /api/v1/dev/invoice)'
      : `  wallet: ${REAL_WALLETS[p.walletKind ?? 'phoenixd'] ?? p.walletKind}: real payments` +
        (p.walletReachable === false ? ' — ITS NODE DOES NOT ANSWER: top-ups and 402 challenges answer 503 until it does (/api/v1/health: wallet_reachable)' : ''),
    p.store === 'pglite' ? `  store: embedded PGlite in ${p.dataDir} (set DATABASE_URL for PostgreSQL)` : '  store: PostgreSQL (DATABASE_URL)',
    ...describeUpstreams(p.catalog, p.upstreams),
  ];
}
