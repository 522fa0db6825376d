// A real client round trip: Alby's fetchWithL402 and fetch402 against a node:http server that
// answers with our challenge and a real signed BOLT11 invoice, then accepts the paid retry.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch402, fetchWithL402, type Wallet } from '@getalby/lightning-tools/402';
import bolt11 from 'bolt11';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatChallenge, parseAuthorization } from './header.js';
import { mintChallenge, verifyCredential, type VerifyCredentialResult } from './mint.js';
import { makeRegtestInvoice } from './testing.js';

const rootKey = randomBytes(32);
const PRICE_MSAT = 30_000n;
const PATH = '/api/v1/openai/v1/chat/completions';

/** What the Lightning network would reveal to a payer: preimage by payment hash. */
const preimages = new Map<string, Buffer>();
const seen: Array<{ authorization: string | undefined; verdict: VerifyCredentialResult | null }> = [];
let server: Server;
let url: string;

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function challenge(res: ServerResponse, endpoint: string): void {
  const preimage = randomBytes(32);
  const paymentHash = createHash('sha256').update(preimage).digest();
  preimages.set(paymentHash.toString('hex'), preimage);
  const now = nowSeconds();
  const invoice = makeRegtestInvoice({ paymentHash, amountMsat: PRICE_MSAT, timestamp: now });
  const minted = mintChallenge({ rootKey, paymentHash, api: 'openai', endpoint, priceMsat: PRICE_MSAT, now, ttlSeconds: 600 });
  sendJson(
    res,
    402,
    {
      error: { code: 'payment_required', message: 'pay the invoice and retry with the L402 credential' },
      invoice,
      payment_hash: paymentHash.toString('hex'),
      amount_sats: Number(PRICE_MSAT / 1000n),
      macaroon: minted.macaroonB64,
      expires_at: minted.expiresAt,
    },
    { 'www-authenticate': formatChallenge(minted.macaroonB64, invoice) },
  );
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    const endpoint = `${req.method ?? ''} ${req.url ?? ''}`;
    const authorization = req.headers.authorization;
    const parsed = parseAuthorization(authorization);
    if (parsed === null) {
      seen.push({ authorization, verdict: null });
      challenge(res, endpoint);
      return;
    }
    if ('error' in parsed) {
      sendJson(res, 401, { error: { code: 'invalid_payment', message: parsed.error } });
      return;
    }
    const verdict = verifyCredential({ rootKey, ...parsed, api: 'openai', endpoint, priceMsat: PRICE_MSAT, now: nowSeconds() });
    seen.push({ authorization, verdict });
    if (!verdict.ok) {
      sendJson(res, 401, { error: { code: 'invalid_payment', message: 'invalid L402 credential' } });
      return;
    }
    sendJson(res, 200, { id: 'chatcmpl-test', paid_with: verdict.paymentHash });
  });
}

/** Stands in for a Lightning wallet: "paying" a known invoice reveals its preimage. */
const wallet: Wallet & { paid: string[] } = {
  paid: [],
  async payInvoice({ invoice }) {
    const hash = bolt11.decode(invoice).tags.find((t) => t.tagName === 'payment_hash')?.data;
    const preimage = typeof hash === 'string' ? preimages.get(hash) : undefined;
    if (!preimage) throw new Error('unknown invoice');
    wallet.paid.push(invoice);
    return { preimage: preimage.toString('hex') };
  },
};

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

beforeEach(() => {
  seen.length = 0;
  wallet.paid.length = 0;
});

const request = (): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
});

function expectPaidRoundTrip(): void {
  expect(wallet.paid).toHaveLength(1);
  expect(seen).toHaveLength(2);
  expect(seen[0]?.verdict).toBeNull(); // the first request carried no credential
  const retry = seen[1];
  // Alby keeps the scheme of the first challenge line: LSAT
  expect(retry?.authorization).toMatch(/^LSAT [A-Za-z0-9+/]+=*:[0-9a-f]{64}$/);
  expect(retry?.verdict?.ok).toBe(true);
}

describe('Alby lightning-tools against our challenge', () => {
  it('fetchWithL402 pays the invoice and the retry carries a credential we accept', async () => {
    const response = await fetchWithL402(url, request(), { wallet });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { paid_with: string };
    expectPaidRoundTrip();
    expect(response.payment?.paid).toBe(true);
    expect(response.payment?.amountSat).toBe(30);
    const preimage = Buffer.from(response.payment?.preimage ?? '', 'hex');
    expect(createHash('sha256').update(preimage).digest('hex')).toBe(body.paid_with);
  });

  it('fetch402 recognises the L402 challenge and succeeds the same way', async () => {
    const response = await fetch402(url, request(), { wallet });
    expect(response.status).toBe(200);
    expectPaidRoundTrip();
    expect(response.payment?.credentials.value).toBe(seen[1]?.authorization);
  });

  it('the same credential is refused for another endpoint', async () => {
    const paid = await fetchWithL402(url, request(), { wallet });
    const credential = paid.payment?.credentials.value ?? '';
    const other = await fetch(url.replace('chat/completions', 'embeddings'), { ...request(), headers: { authorization: credential } });
    expect(other.status).toBe(401);
    expect(seen.at(-1)?.verdict).toEqual({ ok: false, reason: 'wrong_endpoint' });
  });
});
