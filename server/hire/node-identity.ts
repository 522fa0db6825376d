// This server's own node: its id (to refuse its own invoices) and its network (to refuse
// invoices it cannot pay). Learnt once from the wallet and kept.
import { AppError } from '../errors.js';
import { tryDecodeBolt11 } from '../lightning/bolt11.js';
import { WalletUnavailableError, type WalletBackend } from '../lightning/backend.js';
import type { NodeIdentity } from './invoice-checks.js';

export function nodeIdentity(wallet: WalletBackend, known: Partial<NodeIdentity> = {}): () => Promise<NodeIdentity> {
  let cached: NodeIdentity | null = known.nodeId && known.network ? (known as NodeIdentity) : null;
  return async () => {
    if (cached) return cached;
    try {
      const nodeId = known.nodeId ?? (await wallet.getInfo()).nodeId.toLowerCase();
      // The WalletBackend does not name its chain; the prefix of one of its own invoices does.
      const network = known.network ?? tryDecodeBolt11((await wallet.createInvoice({ amountMsat: 1000n, description: 'alittlebitofmoney network check', expirySeconds: 60 })).bolt11)?.network;
      if (!network) throw new WalletUnavailableError('the wallet made an invoice that does not decode');
      cached = { nodeId, network };
      return cached;
    } catch (err) {
      if (err instanceof WalletUnavailableError) throw new AppError('topup_unavailable', 'The Lightning node cannot be reached right now; try again shortly.');
      throw err;
    }
  };
}
