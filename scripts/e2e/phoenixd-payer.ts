// Pays BOLT11 invoices through a phoenixd HTTP API (a real test node, or the development node that
// speaks the same API): POST /payinvoice with the form field `invoice`, basic auth with an empty
// user. phoenixd answers a payment that failed with HTTP 200 and {reason}: that is a failure too.
import { request } from 'undici';

export interface PhoenixdNode {
  url: string;
  password: string;
}

export function phoenixdPayer(node: PhoenixdNode, timeoutMs = 120_000): (bolt11: string) => Promise<string> {
  const base = node.url.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`:${node.password}`).toString('base64')}`;
  return async (bolt11) => {
    const res = await request(`${base}/payinvoice`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ invoice: bolt11 }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    let body: { paymentPreimage?: unknown; reason?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      /* not JSON: reported below with the status */
    }
    if (res.statusCode === 200 && typeof body.paymentPreimage === 'string' && /^[0-9a-f]{64}$/i.test(body.paymentPreimage)) {
      return body.paymentPreimage.toLowerCase();
    }
    const why = typeof body.reason === 'string' ? body.reason : `HTTP ${res.statusCode} ${text.slice(0, 200)}`;
    throw new Error(`phoenixd at ${base} could not pay the invoice: ${why}`);
  };
}
