// openWallet: phoenixd when PHOENIXD_URL is set, otherwise a development node started in this
// process. Both are reached through PhoenixdWallet, so the server's code path is the same.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { WalletBackend } from './backend.js';
import { startDevnode } from './devnode/index.js';
import { startDevPayee, type DevPayee } from './devnode/payee.js';
import { PhoenixdWallet } from './phoenixd/wallet.js';

export interface OpenWalletOptions {
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
export class DevWalletPaymentError extends Error {
  override name = 'DevWalletPaymentError';
}

export async function openWallet(opts: OpenWalletOptions): Promise<OpenedWallet> {
  if (opts.phoenixdUrl) {
    if (!opts.phoenixdPassword) throw new Error('PHOENIXD_PASSWORD is required with PHOENIXD_URL');
    if (!opts.webhookSecret) opts.log?.warn('PHOENIXD_WEBHOOK_SECRET is not set: phoenixd webhooks will be refused; payments are found by polling');
    const wallet = new PhoenixdWallet({ url: opts.phoenixdUrl, password: opts.phoenixdPassword, ...secret(opts.webhookSecret) });
    return { wallet, devnodeUrl: null, setWebhookUrl: () => undefined, close: () => wallet.close() };
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

function secret(webhookSecret: string | undefined): { webhookSecret?: string } {
  return webhookSecret ? { webhookSecret } : {};
}
