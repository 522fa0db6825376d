// Real, signed BOLT11 invoices for the development node (the bolt11 package; its secp256k1
// falls back to pure JS where the native build is missing, which is fine at this volume).
import { createHash, randomBytes } from 'node:crypto';
import bolt11 from 'bolt11';
import { CHAINS, type Chain } from './keys.js';

export interface InvoiceRequest {
  privateKey: string;
  chain: Chain;
  /** null: the payer chooses the amount */
  amountMsat: bigint | null;
  description: { text: string } | { hash: string };
  expirySeconds: number;
  nowMs: number;
  /** a hold invoice's hash, chosen by whoever keeps its preimage (then `preimage` is empty) */
  paymentHash?: string;
}

export interface IssuedInvoice {
  bolt11: string;
  paymentHash: string;
  /** secret until the invoice is paid */
  preimage: string;
}

export function issueInvoice(req: InvoiceRequest): IssuedInvoice {
  const preimage = randomBytes(32);
  const paymentHash = req.paymentHash ?? createHash('sha256').update(preimage).digest('hex');
  const descriptionTag =
    'text' in req.description
      ? { tagName: 'description', data: req.description.text }
      : { tagName: 'purpose_commit_hash', data: req.description.hash };
  const unsigned = bolt11.encode({
    network: { ...CHAINS[req.chain], validWitnessVersions: [...CHAINS[req.chain].validWitnessVersions] },
    timestamp: Math.floor(req.nowMs / 1000),
    ...(req.amountMsat === null ? {} : { millisatoshis: req.amountMsat.toString() }),
    tags: [
      { tagName: 'payment_hash', data: paymentHash },
      { tagName: 'payment_secret', data: randomBytes(32).toString('hex') },
      descriptionTag,
      { tagName: 'expire_time', data: req.expirySeconds },
    ],
  });
  const signed = bolt11.sign(unsigned, req.privateKey);
  if (!signed.paymentRequest) throw new Error('bolt11 did not produce an invoice');
  return { bolt11: signed.paymentRequest, paymentHash, preimage: req.paymentHash ? '' : preimage.toString('hex') };
}
