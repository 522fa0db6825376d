// Paying the way a client does, outside the timed sections: prepaid tokens bought with a top-up
// invoice paid through the development node, and single-use L402 credentials minted by asking
// without payment (402), paying the invoice, and keeping "L402 <macaroon>:<preimage>".
import { request } from 'undici';
import { payInvoice, type TestDevnode } from '../server/testing/harness.js';

const MAX_TOPUP_SATS = 1_000_000; // config.yaml topup.max_sats

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.statusCode, body: await res.body.json() };
}

/** A new abl_ token holding `sats` (topped up in steps of at most 1,000,000). */
export async function buyToken(server: string, node: TestDevnode, sats: number): Promise<string> {
  let token: string | null = null;
  for (let left = sats; left > 0; left -= MAX_TOPUP_SATS) {
    const headers: Record<string, string> = token ? { 'x-token': token } : {};
    const created = await postJson(`${server}/api/v1/topup`, { amount_sats: Math.min(left, MAX_TOPUP_SATS) }, headers);
    if (created.status !== 201) throw new Error(`top-up: HTTP ${created.status} ${JSON.stringify(created.body)}`);
    const preimage = await payInvoice(node, created.body.invoice);
    const claimed = await postJson(`${server}/api/v1/topup/claim`, { preimage }, headers);
    if (claimed.status !== 200) throw new Error(`claim: HTTP ${claimed.status} ${JSON.stringify(claimed.body)}`);
    token ??= claimed.body.token as string;
  }
  if (!token) throw new Error('buyToken needs sats > 0');
  return token;
}

/** `count` paid, unused L402 Authorization values for one request shape (path and body fix the price). */
export async function mintL402(
  server: string,
  node: TestDevnode,
  call: { path: string; body: string },
  count: number,
  parallel = 6,
): Promise<string[]> {
  const out: string[] = [];
  const one = async (): Promise<void> => {
    const res = await request(`${server}${call.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: call.body });
    const body = (await res.body.json()) as { macaroon?: string; invoice?: string };
    if (res.statusCode !== 402 || !body.macaroon || !body.invoice) throw new Error(`expected a 402 challenge, got HTTP ${res.statusCode}`);
    const preimage = await payInvoice(node, body.invoice);
    out.push(`L402 ${body.macaroon}:${preimage}`);
  };
  let started = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (started < count) {
        started++;
        await one();
      }
    }),
  );
  return out;
}
