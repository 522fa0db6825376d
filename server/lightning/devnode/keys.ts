// The development node's identity: a secp256k1 key, and the chains it can sign invoices for.
import { createECDH } from 'node:crypto';

export const CHAINS = {
  regtest: { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] },
  testnet: { bech32: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] },
} as const;

export type Chain = keyof typeof CHAINS;

/** A fresh private key, 32 bytes hex, valid on secp256k1 (OpenSSL picks it in range). */
export function generateNodeKey(): string {
  const ecdh = createECDH('secp256k1');
  ecdh.generateKeys();
  return ecdh.getPrivateKey('hex').padStart(64, '0');
}

/** The node id: the compressed public key of the node key, hex. */
export function nodeIdOf(privateKeyHex: string): string {
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(Buffer.from(privateKeyHex, 'hex'));
  return ecdh.getPublicKey('hex', 'compressed');
}
