// Stateless challenge binding for the rails beside L402: a challenge's id is an HMAC, under a
// key derived from the root key, over everything the challenge promises (and the endpoint it is
// for), so a credential echoing it proves the challenge was ours and unchanged. Pure.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A key of its own per rail, so no tag of one rail (or a macaroon) is valid for another. */
export function deriveKey(rootKey: Buffer, label: 'mpp' | 'x402' | 'usage-cursor'): Buffer {
  return createHmac('sha256', rootKey).update(`alittlebitofmoney ${label} challenge v1`, 'utf8').digest();
}

/** base64url HMAC-SHA256 over the parts, each length-prefixed so that no two lists collide. */
export function bindingTag(key: Buffer, parts: readonly string[]): string {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(`${Buffer.byteLength(part, 'utf8')}:${part};`, 'utf8');
  return mac.digest('base64url');
}

export function sameTag(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 3339 in whole seconds, UTC. */
export const rfc3339 = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Bitcoin networks by BOLT11 prefix: the MPP network name and the CAIP-2 (bip122) chain id. */
const NETWORKS: Array<{ prefix: string; name: string; caip2: string }> = [
  { prefix: 'lnbcrt', name: 'regtest', caip2: 'bip122:0f9188f13cb7b2c71f2a335e3a4fc328' },
  { prefix: 'lntbs', name: 'signet', caip2: 'bip122:00000008819873e925422c1ff0f99f7c' },
  { prefix: 'lntb', name: 'testnet', caip2: 'bip122:000000000933ea01ad0ee984209779ba' },
  { prefix: 'lnbc', name: 'mainnet', caip2: 'bip122:000000000019d6689c085ae165831e93' },
];

export function networkOf(invoice: string): { name: string; caip2: string } {
  const lower = invoice.toLowerCase();
  const found = NETWORKS.find((n) => lower.startsWith(n.prefix));
  if (!found) throw new RangeError('not a BOLT11 invoice of a known network');
  return { name: found.name, caip2: found.caip2 };
}
