// openWallet: the one registry of wallet backends. phoenixd, LND, Core Lightning or NWC when the
// settings name one, otherwise a development node started in this process (reached through
// PhoenixdWallet, so the server's code path is the same as with phoenixd).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { WalletSettings } from '../config.js';
import type { WalletBackend } from './backend.js';
import { ClnWallet } from './cln/wallet.js';
import { startDevnode } from './devnode/index.js';
import { LndWallet } from './lnd/wallet.js';
import { NwcWallet } from './nwc/wallet.js';
import { startDevPayee, type DevPayee } from './devnode/payee.js';
import { PhoenixdWallet } from './phoenixd/wallet.js';

export type WalletKind = 'devnode' | 'phoenixd' | 'lnd' | 'cln' | 'nwc';

type RemoteSettings = Exclude<WalletSettings, { kind: 'devnode' }>;

/** How each remote backend is opened from its settings. */
const REGISTRY: { [K in RemoteSettings['kind']]: (s: Extract<RemoteSettings, { kind: K }>, log?: { warn(msg: string): void }) => WalletBackend & { close(): Promise<void> } } = {
  phoenixd: (s, log) => {
    if (!s.webhookSecret) log?.warn('PHOENIXD_WEBHOOK_SECRET is not set: phoenixd webhooks will be refused; payments are found by polling');
    return new PhoenixdWallet({ url: s.url, password: s.password, ...secret(s.webhookSecret) });
  },
  lnd: (s, log) => new LndWallet({ url: s.url, macaroonHex: s.macaroonHex, ...(s.tlsCertPem ? { tlsCertPem: s.tlsCertPem } : {}), ...(log ? { log } : {}) }),
  cln: (s, log) => new ClnWallet({ url: s.url, rune: s.rune, ...(s.tlsCertPem ? { tlsCertPem: s.tlsCertPem } : {}), ...(log ? { log } : {}) }),
  nwc: (s, log) => new NwcWallet({ connection: s.uri, ...(log ? { log } : {}) }),
};

export interface OpenWalletOptions {
  /** the backend chosen by the settings; when absent, the phoenixd fields below (or the devnode) */
  backend?: WalletSettings;
  phoenixdUrl?: string;
  phoenixdPassword?: string;
  webhookSecret?: string;
  /** the devnode keeps its state in <dataDir>/devnode/ */
  dataDir: string;
  /** where the devnode sends payment_received webhooks (see setWebhookUrl) */
  webhookUrl?: string;
  log?: { warn(msg: string): void };
}

export interface OpenedWallet {
  kind: WalletKind;
  wallet: WalletBackend;
  /** the in-process development node's URL; null with a real phoenixd */
  devnodeUrl: string | null;
  /**
   * Points the devnode's webhooks at the server once it listens. phoenixd's own webhook is set
   * in its phoenix.conf (`webhook=`), so with phoenixd this changes nothing.
   */
  setWebhookUrl(url: string): void;
  /** Devnode only: pays an invoice from the development wallet, standing in for an outside payer. */
  payWithDevWallet?: (bolt11: string) => Promise<{ preimage: string }>;
  /** Devnode only: "someone else's wallet", whose invoices the development node can pay (withdrawals). */
  devPayee?: DevPayee;
  close(): Promise<void>;
}

/** The development wallet could not pay (a definite failure, or an outcome it could not learn). */
/** The webhook URL a phoenixd invoice names: none without a webhook secret, as every call to it would be refused (payments are then found by polling). */
export function invoiceWebhookUrl(settings: WalletSettings, url: string | undefined): string | undefined {
  return settings.kind === 'phoenixd' && settings.webhookSecret ? url : undefined;
}

export class DevWalletPaymentError extends Error {
  override name = 'DevWalletPaymentError';
}

export async function openWallet(opts: OpenWalletOptions): Promise<OpenedWallet> {
  let backend = opts.backend;
  if (!backend && opts.phoenixdUrl) {
    if (!opts.phoenixdPassword) throw new Error('PHOENIXD_PASSWORD is required with PHOENIXD_URL');
    backend = { kind: 'phoenixd', url: opts.phoenixdUrl, password: opts.phoenixdPassword, ...secret(opts.webhookSecret) };
  }
  if (backend && backend.kind !== 'devnode') {
    const wallet = open(backend, opts.log);
    return { kind: backend.kind, wallet, devnodeUrl: null, setWebhookUrl: () => undefined, close: () => wallet.close() };
  }

  const password = randomBytes(24).toString('hex');
  const webhookSecret = randomBytes(32).toString('hex');
  const payee = await startDevPayee({ dataDir: join(opts.dataDir, 'devnode-payee') });
  const devnode = await startDevnode({
    peers: [payee.peer],
    host: '127.0.0.1',
    port: 0,
    password,
    dataDir: join(opts.dataDir, 'devnode'),
    webhookSecret,
    ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
  }).catch(async (err: unknown) => {
    await payee.close();
    throw err;
  });
  opts.log?.warn(`PHOENIXD_URL is not set: using the built-in development Lightning node at ${devnode.url} (regtest, no real money)`);
  const wallet = new PhoenixdWallet({ url: devnode.url, password, webhookSecret });
  return {
    kind: 'devnode',
    wallet,
    devnodeUrl: devnode.url,
    setWebhookUrl: (url) => devnode.setWebhookUrl(url),
    payWithDevWallet: async (bolt11) => {
      const outcome = await wallet.payInvoice({ bolt11 });
      if (outcome.status === 'succeeded') return { preimage: outcome.preimage };
      throw new DevWalletPaymentError(outcome.status === 'failed' ? outcome.reason : 'payment outcome unknown');
    },
    devPayee: payee,
    close: async () => {
      await wallet.close();
      await devnode.close(); // its payments to the payee finish first
      await payee.close();
    },
  };
}

function open(s: RemoteSettings, log?: { warn(msg: string): void }): WalletBackend & { close(): Promise<void> } {
  switch (s.kind) {
    case 'phoenixd':
      return REGISTRY.phoenixd(s, log);
    case 'lnd':
      return REGISTRY.lnd(s, log);
    case 'cln':
      return REGISTRY.cln(s, log);
    case 'nwc':
      return REGISTRY.nwc(s, log);
  }
}

function secret(webhookSecret: string | undefined): { webhookSecret?: string } {
  return webhookSecret ? { webhookSecret } : {};
}
