// Pure BOLT11 decoding shared by the phoenixd client and the development node.
import bolt11 from 'bolt11';

export interface DecodedInvoice {
  paymentHash: string;
  /** the node that signed the invoice (recovered from the signature or its `n` tag) */
  payeeNodeId: string;
  /** null for a zero-amount invoice */
  amountMsat: bigint | null;
  /** Unix seconds */
  createdAt: number;
  /** Unix seconds */
  expiresAt: number;
  description: string | null;
  paymentSecret: string | null;
  /** bech32 prefix of the network: bc, tb, tbs, bcrt */
  network: string;
}

const DEFAULT_EXPIRY_SECONDS = 3600; // BOLT11: an invoice without an `x` tag expires after one hour

/** Decodes and checks the signature of a BOLT11 invoice; throws on anything malformed. */
export function decodeBolt11(invoice: string): DecodedInvoice {
  const decoded = bolt11.decode(invoice.trim());
  const tags = decoded.tagsObject;
  const paymentHash = tags.payment_hash;
  const payeeNodeId = decoded.payeeNodeKey;
  const createdAt = decoded.timestamp;
  if (!paymentHash || !payeeNodeId || createdAt === undefined) {
    throw new Error('invoice lacks a payment hash, a payee or a timestamp');
  }
  const msat = decoded.millisatoshis;
  return {
    paymentHash: paymentHash.toLowerCase(),
    payeeNodeId: payeeNodeId.toLowerCase(),
    amountMsat: msat === null || msat === undefined ? null : BigInt(msat),
    createdAt,
    expiresAt: createdAt + (tags.expire_time ?? DEFAULT_EXPIRY_SECONDS),
    description: tags.description ?? null,
    paymentSecret: tags.payment_secret ?? null,
    network: decoded.network?.bech32 ?? 'bc',
  };
}

/** The decoded invoice, or null when it does not decode. */
export function tryDecodeBolt11(invoice: string): DecodedInvoice | null {
  try {
    return decodeBolt11(invoice);
  } catch {
    return null;
  }
}
