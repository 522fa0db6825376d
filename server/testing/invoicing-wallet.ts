// A wallet that only makes invoices, real signed regtest BOLT11 at a fixed time, and tells a test
// each invoice's preimage (as the payer's wallet would once it paid): for the payment gate alone.
import type { CreatedInvoice, WalletBackend } from '../lightning/backend.js';
import { issueInvoice } from '../lightning/devnode/issue-invoice.js';
import { generateNodeKey } from '../lightning/devnode/keys.js';

export function invoicingWallet(nowSeconds: number): { wallet: WalletBackend; preimageOf(bolt11: string): string | undefined } {
  const key = generateNodeKey();
  const preimages = new Map<string, string>();
  const wallet = {
    kind: 'invoices-only',
    async createInvoice(p: { amountMsat: bigint; description: string; expirySeconds: number }): Promise<CreatedInvoice> {
      const inv = issueInvoice({ privateKey: key, chain: 'regtest', amountMsat: p.amountMsat, description: { text: p.description }, expirySeconds: p.expirySeconds, nowMs: nowSeconds * 1000 });
      preimages.set(inv.bolt11, inv.preimage);
      return { paymentHash: inv.paymentHash, bolt11: inv.bolt11, amountMsat: p.amountMsat, expiresAt: nowSeconds + p.expirySeconds };
    },
  } as unknown as WalletBackend;
  return { wallet, preimageOf: (bolt11) => preimages.get(bolt11) };
}
