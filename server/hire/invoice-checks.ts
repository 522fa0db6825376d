// What a collect will pay: a BOLT11 invoice that decodes, names an amount, is for this node's
// network, has time left, and is not this server's own invoice. Pure.
import { tryDecodeBolt11 } from '../lightning/bolt11.js';
import { invalidField } from './errors.js';

export interface NodeIdentity {
  nodeId: string;
  /** bech32 prefix of the node's invoices: bc, tb, tbs, bcrt */
  network: string;
}

export interface PayoutInvoice {
  bolt11: string;
  paymentHash: string;
  amountMsat: bigint;
  expiresAt: number;
}

/** an invoice must stay valid this long, so it cannot expire while the payment is on its way */
export const MIN_SECONDS_LEFT = 30;

const NETWORK_NAMES: Record<string, string> = { bc: 'mainnet', tb: 'testnet', tbs: 'signet', bcrt: 'regtest' };
const networkName = (prefix: string) => NETWORK_NAMES[prefix] ?? prefix;

export function checkPayoutInvoice(raw: string, node: NodeIdentity, now: number): PayoutInvoice {
  const bolt11 = raw.trim().replace(/^lightning:/i, '');
  const decoded = /^ln[a-z0-9]+$/i.test(bolt11) ? tryDecodeBolt11(bolt11) : null;
  if (!decoded) throw invalidField('invoice', 'invoice is not a valid BOLT11 invoice.');
  if (decoded.network !== node.network) {
    throw invalidField('invoice', `This invoice is for ${networkName(decoded.network)}; this server pays ${networkName(node.network)} invoices.`);
  }
  if (decoded.amountMsat === null || decoded.amountMsat <= 0n) {
    throw invalidField('invoice', 'Zero-amount invoices cannot be collected: make an invoice for the amount you want.');
  }
  if (decoded.expiresAt <= now + MIN_SECONDS_LEFT) throw invalidField('invoice', 'This invoice has expired (or is about to); make a new one.');
  if (decoded.payeeNodeId === node.nodeId) {
    throw invalidField('invoice', 'This invoice belongs to this server’s own node; collect to an invoice of your own wallet.');
  }
  return { bolt11, paymentHash: decoded.paymentHash, amountMsat: decoded.amountMsat, expiresAt: decoded.expiresAt };
}
