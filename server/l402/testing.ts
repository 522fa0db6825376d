// Test helpers for the L402 suites: a real, signed regtest BOLT11 invoice for a payment hash.
import { randomBytes } from 'node:crypto';
import bolt11 from 'bolt11';

const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] };

/** amountMsat null: a zero-amount invoice; expirySeconds: 600 unless given */
export function makeRegtestInvoice(args: { paymentHash: Buffer; amountMsat: bigint | null; timestamp: number; expirySeconds?: number }): string {
  const unsigned = bolt11.encode({
    network: REGTEST,
    ...(args.amountMsat === null ? {} : { millisatoshis: args.amountMsat.toString() }),
    timestamp: args.timestamp,
    tags: [
      { tagName: 'payment_hash', data: args.paymentHash.toString('hex') },
      { tagName: 'payment_secret', data: randomBytes(32).toString('hex') },
      { tagName: 'description', data: 'alittlebitofmoney test' },
      { tagName: 'expire_time', data: args.expirySeconds ?? 600 },
    ],
  });
  // any valid secp256k1 key: the payee is fictional
  const signed = bolt11.sign(unsigned, randomBytes(32).toString('hex'));
  if (!signed.paymentRequest) throw new Error('bolt11 did not sign the invoice');
  return signed.paymentRequest;
}
