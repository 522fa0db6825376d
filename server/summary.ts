// What `npm start` prints once the server listens: the URL to open, and what is configured and what
// is not (the wallet, the store, each API's upstream), so a first run explains itself.
import type { Catalog, UpstreamStatus } from '../contract/catalog.js';
import { refusesCredentials } from './lightning/reachability.js';
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
  /** why it did not: the node's or the network's words */
  walletFailure?: string | null;
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
      : `  wallet: ${REAL_WALLETS[p.walletKind ?? 'phoenixd'] ?? p.walletKind}: real payments` + (p.walletReachable === false ? walletProblem(p.walletKind ?? 'phoenixd', p.walletFailure ?? null) : ''),
    p.store === 'pglite' ? `  store: embedded PGlite in ${p.dataDir} (set DATABASE_URL for PostgreSQL)` : '  store: PostgreSQL (DATABASE_URL)',
    ...describeUpstreams(p.catalog, p.upstreams),
  ];
}

const CREDENTIALS: Record<string, string> = { phoenixd: 'PHOENIXD_PASSWORD', lnd: 'LND_MACAROON', cln: 'CLN_RUNE', nwc: 'NWC_URL' };

/** A node that refuses our credentials is not a node that does not answer: the fix differs. */
function walletProblem(kind: string, failure: string | null): string {
  const then = ': top-ups and 402 challenges answer 503 until it does (/api/v1/health: wallet_reachable)';
  if (failure !== null && refusesCredentials(failure)) return ` — ITS NODE REFUSES OUR CREDENTIALS (${failure.slice(0, 120)}): check ${CREDENTIALS[kind] ?? 'the wallet settings'}${then.replace('until it does', 'until it accepts them')}`;
  return ` — ITS NODE DOES NOT ANSWER${failure !== null ? ` (${failure.slice(0, 120)})` : ''}${then}`;
}
