// PhoenixdWallet against canned answers in phoenixd's own shapes (phoenixd Api.kt and
// json/JsonSerializers.kt), including the ones the devnode never produces.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentNotSentError, WalletUnavailableError } from '../backend.js';
import { decodeBolt11 } from '../bolt11.js';
import { foreignInvoice } from '../testing.js';
import { PhoenixdWallet } from './wallet.js';

interface Canned {
  status: number;
  body: string;
  delayMs?: number;
}
interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
}

const json = (value: unknown, status = 200): Canned => ({ status, body: JSON.stringify(value, null, 4) });
const text = (body: string, status: number): Canned => ({ status, body });

describe('PhoenixdWallet with phoenixd-shaped answers', () => {
  const answers = new Map<string, Canned>();
  const seen: Seen[] = [];
  let server: ReturnType<typeof createServer>;
  let wallet: PhoenixdWallet;
  let url: string;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        seen.push({ method: req.method ?? '', path, authorization: req.headers.authorization, contentType: req.headers['content-type'], form: new URLSearchParams(Buffer.concat(chunks).toString()) });
        const canned = answers.get(`${req.method} ${path}`) ?? text('Unknown endpoint (check api doc)', 404);
        setTimeout(() => res.writeHead(canned.status, { 'content-type': 'application/json' }).end(canned.body), canned.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}/`;
    wallet = new PhoenixdWallet({ url, password: 'pw', payTimeoutMs: 300, requestTimeoutMs: 300 });
  });

  afterAll(async () => {
    await wallet.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    answers.clear();
    seen.length = 0;
  });

  it('creates an invoice with a form body and basic auth with an empty user name', async () => {
    const invoice = foreignInvoice(21_000n, 900);
    answers.set('POST /createinvoice', json({ amountSat: 21, paymentHash: invoice.paymentHash, serialized: invoice.bolt11 }));
    const created = await wallet.createInvoice({ amountMsat: 21_000n, description: 'd', expirySeconds: 900, externalId: 'e', webhookUrl: 'http://h/x' });
    expect(created).toMatchObject({ paymentHash: invoice.paymentHash, bolt11: invoice.bolt11, amountMsat: 21_000n });
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from(':pw').toString('base64')}`);
    expect(seen[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({ description: 'd', amountSat: '21', expirySeconds: '900', externalId: 'e', webhookUrl: 'http://h/x' });
  });

  it('rejects an invoice that does not match the request, and checks arguments before any call', async () => {
    const invoice = foreignInvoice(21_000n);
    answers.set('POST /createinvoice', json({ amountSat: 21, paymentHash: 'cd'.repeat(32), serialized: invoice.bolt11 }));
    await expect(wallet.createInvoice({ amountMsat: 21_000n, description: 'd', expirySeconds: 60 })).rejects.toThrow(WalletUnavailableError);
    seen.length = 0;
    await expect(wallet.createInvoice({ amountMsat: 1_001n, description: 'd', expirySeconds: 60 })).rejects.toThrow(/whole number of sats/);
    await expect(wallet.createInvoice({ amountMsat: 1_000n, description: 'x'.repeat(129), expirySeconds: 60 })).rejects.toThrow(/128/);
    expect(seen).toHaveLength(0);
  });

  it('reads an unpaid incoming payment as unpaid although it carries a preimage; times in seconds', async () => {
    const invoice = foreignInvoice(5_000n);
    answers.set(`GET /payments/incoming/${invoice.paymentHash}`, json({
      type: 'incoming_payment', subType: 'lightning', paymentHash: invoice.paymentHash, preimage: 'ef'.repeat(32),
      externalId: 'x', description: 'd', invoice: invoice.bolt11, isPaid: false, isExpired: false, requestedSat: 5,
      receivedSat: 0, fees: 0, expiresAt: 1_700_003_600_999, createdAt: 1_700_000_000_999,
    }));
    expect(await wallet.getInvoice(invoice.paymentHash.toUpperCase())).toEqual({
      paymentHash: invoice.paymentHash, bolt11: invoice.bolt11, isPaid: false, isExpired: false, receivedMsat: 0n,
      requestedMsat: 5_000n, externalId: 'x', expiresAt: 1_700_003_600, completedAt: null,
    });
  });

  it('reads phoenixd before 0.6.1 (no isExpired, requestedSat or expiresAt): the expiry from its invoice, expired only unpaid and past it', async () => {
    const invoice = foreignInvoice(5_000n, 600); // created now (wall clock), expiring in 600 s
    const expiresAt = decodeBolt11(invoice.bolt11).expiresAt;
    const clock = { now: expiresAt - 1 };
    const old = new PhoenixdWallet({ url, password: 'pw', now: () => clock.now, requestTimeoutMs: 300 });
    const record = (isPaid: boolean) => json({ paymentHash: invoice.paymentHash, preimage: 'ef'.repeat(32), invoice: invoice.bolt11, isPaid, receivedSat: isPaid ? 5 : 0, fees: 0, createdAt: 1_700_000_000_000, ...(isPaid ? { completedAt: 1_700_000_100_000 } : {}) });
    try {
      answers.set(`GET /payments/incoming/${invoice.paymentHash}`, record(false));
      expect(await old.getInvoice(invoice.paymentHash)).toMatchObject({ isPaid: false, isExpired: false, expiresAt, requestedMsat: null });
      clock.now = expiresAt;
      expect(await old.getInvoice(invoice.paymentHash)).toMatchObject({ isPaid: false, isExpired: true });
      answers.set(`GET /payments/incoming/${invoice.paymentHash}`, record(true));
      expect(await old.getInvoice(invoice.paymentHash)).toMatchObject({ isPaid: true, isExpired: false, receivedMsat: 5_000n, completedAt: 1_700_000_100 });
    } finally {
      await old.close();
    }
  });

  it('reads a paid incoming payment, and tells an unknown hash (null) from a wrong URL (unavailable)', async () => {
    const invoice = foreignInvoice(null);
    answers.set(`GET /payments/incoming/${invoice.paymentHash}`, json({
      type: 'incoming_payment', subType: 'lightning', paymentHash: invoice.paymentHash, preimage: 'ef'.repeat(32),
      invoice: invoice.bolt11, isPaid: true, isExpired: false, receivedSat: 12, fees: 0,
      expiresAt: 1_700_003_600_000, completedAt: 1_700_000_100_500, createdAt: 1_700_000_000_000,
    }));
    expect(await wallet.getInvoice(invoice.paymentHash)).toMatchObject({ isPaid: true, receivedMsat: 12_000n, requestedMsat: null, externalId: null, completedAt: 1_700_000_100 });
    answers.set(`GET /payments/incoming/${'00'.repeat(32)}`, text('Not found', 404));
    expect(await wallet.getInvoice('00'.repeat(32))).toBeNull();
    await expect(wallet.getInvoice('11'.repeat(32))).rejects.toThrow(WalletUnavailableError); // "Unknown endpoint"
  });

  it('maps a payinvoice success, taking the exact msat fee from the payment record', async () => {
    const invoice = foreignInvoice(10_000n);
    answers.set('POST /payinvoice', json({ recipientAmountSat: 10, routingFeeSat: 1, paymentId: 'id-1', paymentHash: invoice.paymentHash, paymentPreimage: 'aa'.repeat(32) }));
    answers.set(`GET /payments/outgoingbyhash/${invoice.paymentHash}`, json({
      type: 'outgoing_payment', subType: 'lightning', paymentId: 'id-1', paymentHash: invoice.paymentHash, preimage: 'aa'.repeat(32),
      isPaid: true, sent: 11, fees: 1_500, invoice: invoice.bolt11, completedAt: 1_700_000_001_000, createdAt: 1_700_000_000_000,
    }));
    expect(await wallet.payInvoice({ bolt11: invoice.bolt11 })).toEqual({ status: 'succeeded', paymentHash: invoice.paymentHash, preimage: 'aa'.repeat(32), amountMsat: 10_000n, feeMsat: 1_500n });
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({ invoice: invoice.bolt11 });
  });

  it('maps the HTTP 200 {paymentHash, reason} answer to failed, not pending', async () => {
    const invoice = foreignInvoice();
    answers.set('POST /payinvoice', json({ paymentHash: invoice.paymentHash, reason: 'route not found' }));
    const record = { type: 'outgoing_payment', subType: 'lightning', paymentId: 'p', paymentHash: invoice.paymentHash, sent: 0, fees: 0, createdAt: 1_700_000_000_000 };
    answers.set(`GET /payments/outgoingbyhash/${invoice.paymentHash}`, json({ ...record, isPaid: false, completedAt: 1_700_000_000_500 }));
    expect(await wallet.payInvoice({ bolt11: invoice.bolt11 })).toEqual({ status: 'failed', paymentHash: invoice.paymentHash, reason: 'route not found' });
    // the same refusal for an invoice paid before: the earlier payment's success, not a failure
    answers.set(`GET /payments/outgoingbyhash/${invoice.paymentHash}`, json({ ...record, isPaid: true, sent: 11, preimage: 'aa'.repeat(32), completedAt: 1_700_000_000_500 }));
    expect(await wallet.payInvoice({ bolt11: invoice.bolt11 })).toMatchObject({ status: 'succeeded', paymentHash: invoice.paymentHash, preimage: 'aa'.repeat(32) });
    // and the lookup failing: not known which, so pending (looked up again later), never failed
    answers.delete(`GET /payments/outgoingbyhash/${invoice.paymentHash}`);
    expect(await wallet.payInvoice({ bolt11: invoice.bolt11 })).toEqual({ status: 'pending', paymentHash: invoice.paymentHash });
  });

  it('maps a refused request (4xx) to failed', async () => {
    const invoice = foreignInvoice(null);
    answers.set('POST /payinvoice', text('Request parameter amountSat is missing', 400));
    const outcome = await wallet.payInvoice({ bolt11: invoice.bolt11 });
    expect(outcome).toMatchObject({ status: 'failed', paymentHash: invoice.paymentHash });
    expect(outcome.status === 'failed' && outcome.reason).toMatch(/amountSat is missing/);
  });

  it('a password that may not pay (401, the limited-access one): nothing was sent, said as such', async () => {
    const invoice = foreignInvoice(10_000n);
    answers.set('POST /payinvoice', text('Invalid authentication (use basic auth with the http password set in phoenix.conf)', 401));
    await expect(wallet.payInvoice({ bolt11: invoice.bolt11 })).rejects.toThrow(PaymentNotSentError);
    await expect(wallet.payInvoice({ bolt11: invoice.bolt11 })).rejects.toThrow(/full-access http-password/);
  });

  it('maps a 5xx, a garbage 200 and a timeout during payinvoice to pending', async () => {
    const invoice = foreignInvoice();
    const pending = { status: 'pending', paymentHash: invoice.paymentHash };
    answers.set('POST /payinvoice', text('boom', 500));
    expect(await wallet.payInvoice({ bolt11: invoice.bolt11 })).toEqual(pending);
    answers.set('POST /payinvoice', text('<html>proxy error</html>', 200));
    expect(await wallet.payInvoice({ bolt11: invoice.bolt11 })).toEqual(pending);
    answers.set('POST /payinvoice', { ...json({ paymentHash: invoice.paymentHash, reason: 'too late' }), delayMs: 600 });
    expect(await wallet.payInvoice({ bolt11: invoice.bolt11 })).toEqual(pending);
  });

  it('reads outgoing records: failed (completed, unpaid), pending (not completed), unknown (null)', async () => {
    const hash = '12'.repeat(32);
    const base = { type: 'outgoing_payment', subType: 'lightning', paymentId: 'p', paymentHash: hash, sent: 3, fees: 0, createdAt: 1_700_000_000_000 };
    answers.set(`GET /payments/outgoingbyhash/${hash}`, json({ ...base, isPaid: false, completedAt: 1_700_000_000_500 }));
    expect(await wallet.getPayment(hash)).toMatchObject({ status: 'failed', paymentHash: hash });
    answers.set(`GET /payments/outgoingbyhash/${hash}`, json({ ...base, isPaid: false }));
    expect(await wallet.getPayment(hash)).toEqual({ status: 'pending', paymentHash: hash });
    answers.set(`GET /payments/outgoingbyhash/${hash}`, json({ ...base, isPaid: true, completedAt: 1 })); // paid without its preimage
    expect(await wallet.getPayment(hash)).toEqual({ status: 'pending', paymentHash: hash });
    answers.set(`GET /payments/outgoingbyhash/${hash}`, text('Not found', 404));
    expect(await wallet.getPayment(hash)).toBeNull();
    await expect(wallet.getPayment('nope')).rejects.toThrow(RangeError);
  });

  it('derives the recipient amount from `sent` minus fees when the invoice has none', async () => {
    const invoice = foreignInvoice(null);
    answers.set(`GET /payments/outgoingbyhash/${invoice.paymentHash}`, json({
      type: 'outgoing_payment', subType: 'lightning', paymentId: 'p', paymentHash: invoice.paymentHash, preimage: 'bb'.repeat(32),
      isPaid: true, sent: 101, fees: 1_000, invoice: invoice.bolt11, completedAt: 1_700_000_001_000, createdAt: 1_700_000_000_000,
    }));
    expect(await wallet.getPayment(invoice.paymentHash)).toMatchObject({ status: 'succeeded', amountMsat: 100_000n, feeMsat: 1_000n });
  });

  it('treats 401, 5xx and garbage from getinfo as an unavailable wallet', async () => {
    answers.set('GET /getinfo', json({ nodeId: `02${'ab'.repeat(32)}`, channels: [], chain: 'mainnet', blockHeight: 1, version: '0.8.0' }));
    expect(await wallet.getInfo()).toEqual({ nodeId: `02${'ab'.repeat(32)}` });
    for (const bad of [text('Invalid authentication', 401), text('oops', 503), text('{"hello":1}', 200)]) {
      answers.set('GET /getinfo', bad);
      await expect(wallet.getInfo()).rejects.toThrow(WalletUnavailableError);
    }
  });
});
