// The real webhook sender: one POST, no redirects followed, 10 seconds for the answer. A URL is
// named by a stranger, so outside development mode an address in a loopback, private,
// link-local or otherwise internal range is refused (no requests into the operator's network).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { request } from 'undici';
import type { WebhookSender } from './webhooks.js';

const TIMEOUT_MS = 10_000;

const INTERNAL = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  INTERNAL.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) INTERNAL.addSubnet(net, bits, 'ipv6');

/** an IPv4 address written as IPv6 (::ffff:a.b.c.d) is checked as the IPv4 one */
function internal(address: string, family: number): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address); // as URL writes it
  if (hex) {
    const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return INTERNAL.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return INTERNAL.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** true when every address the host resolves to is public */
export async function isPublicHost(host: string): Promise<boolean> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addrs = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true });
  return addrs.length > 0 && addrs.every((a) => !internal(a.address, a.family));
}

export function httpWebhookSender(opts: { allowInternal: boolean }): WebhookSender {
  return async (url, body, headers) => {
    if (!opts.allowInternal && !(await isPublicHost(new URL(url).hostname))) throw new Error('refused: the webhook URL points into a private or local network');
    const res = await request(url, { method: 'POST', body, headers, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    await res.body.dump();
    return res.statusCode;
  };
}
