// A fake LND REST server over HTTPS, written from LND's API reference (lightning.proto and
// routerrpc/router.proto through its REST gateway): the macaroon header, 64-bit integers as
// strings, `bytes` as base64, streams of `{"result"}` / `{"error"}` lines, gRPC codes in errors.
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeNode, PayRefusal, closeServer, readBody, sameSecret, type FakeInvoice, type FakePayment } from './node.js';
import type { SelfSignedCert } from './tls.js';
import { listenOn, listenOnStablePort } from '../stable-port.js';

export interface FakeLnd {
  url: string;
  /** sent bodies of /v2/router/send, for assertions */
  sends: Record<string, unknown>[];
  /** the API goes away (every connection cut, nothing listening) while the node runs on */
  stop(): Promise<void>;
  /** the API listens again on the same address */
  start(): Promise<void>;
  close(): Promise<void>;
}

const CODE = { unknown: 2, invalidArgument: 3, notFound: 5, alreadyExists: 6 } as const;
const HTTP_OF_CODE: Record<number, number> = { 2: 500, 3: 400, 5: 404, 6: 409 };
const FAILURE: Record<string, string> = {
  no_route: 'FAILURE_REASON_NO_ROUTE',
  insufficient_balance: 'FAILURE_REASON_INSUFFICIENT_BALANCE',
  incorrect_payment_details: 'FAILURE_REASON_INCORRECT_PAYMENT_DETAILS',
};

export async function startFakeLnd(node: FakeNode, opts: { macaroonHex: string; tls: SelfSignedCert }): Promise<FakeLnd> {
  const expected = Buffer.from(opts.macaroonHex);
  const sends: Record<string, unknown>[] = [];
  const server: Server = createHttpsServer({ key: opts.tls.keyPem, cert: opts.tls.certPem }, (req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://fake');
    const body = await readBody(req);
    node.requests.push(`${req.method} ${url.pathname}`);
    const fault = node.takeHttpFault(`${req.method} ${url.pathname}`);
    if (fault?.kind === 'hang') return; // never answered
    if (fault?.kind === 'status') return rpcError(res, CODE.unknown, 'injected fault', fault.status);
    const macaroon = req.headers['grpc-metadata-macaroon'];
    if (typeof macaroon !== 'string') return rpcError(res, CODE.unknown, 'expected 1 macaroon, got 0');
    if (!sameSecret(Buffer.from(macaroon), expected)) return rpcError(res, CODE.unknown, 'verification failed: signature mismatch after caveat verification');
    const json = body.length > 0 ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
    const route = `${req.method} ${url.pathname}`;

    if (route === 'GET /v1/getinfo') return ok(res, { identity_pubkey: node.nodeId, alias: 'fake-lnd', version: '0.18.0-beta fake', synced_to_chain: true, chains: [{ chain: 'bitcoin', network: 'regtest' }] });
    if (route === 'POST /v1/invoices') {
      const valueMsat = json.value_msat !== undefined ? BigInt(String(json.value_msat)) : BigInt(String(json.value ?? '0')) * 1000n;
      const memo = typeof json.memo === 'string' ? json.memo : '';
      if (Buffer.byteLength(memo) > 1024) return rpcError(res, CODE.unknown, 'memo too large');
      const invoice = node.createInvoice({ amountMsat: valueMsat === 0n ? null : valueMsat, description: memo, expirySeconds: Number(json.expiry ?? 86_400) });
      return ok(res, { r_hash: b64(invoice.paymentHash), payment_request: invoice.bolt11, add_index: String(invoice.addIndex), payment_addr: b64('00'.repeat(32)) });
    }
    if (route === 'POST /v2/invoices/hodl') {
      const hash = Buffer.from(String(json.hash ?? ''), 'base64').toString('hex');
      if (hash.length !== 64) return rpcError(res, CODE.invalidArgument, 'invalid hash');
      if (node.invoices.has(hash)) return rpcError(res, CODE.alreadyExists, 'invoice with payment hash already exists');
      const valueMsat = BigInt(String(json.value_msat ?? '0'));
      const invoice = node.createInvoice({ amountMsat: valueMsat === 0n ? null : valueMsat, description: String(json.memo ?? ''), expirySeconds: Number(json.expiry ?? 86_400), holdHash: hash });
      return ok(res, { payment_request: invoice.bolt11, add_index: String(invoice.addIndex), payment_addr: b64('00'.repeat(32)) });
    }
    if (route === 'POST /v2/invoices/settle') {
      const result = node.settleHold(Buffer.from(String(json.preimage ?? ''), 'base64').toString('hex'));
      if (result === 'unknown') return rpcError(res, CODE.notFound, 'unable to locate invoice');
      if (result === 'not_accepted') return rpcError(res, CODE.unknown, 'invoice still open');
      return ok(res, {});
    }
    if (route === 'POST /v2/invoices/cancel') {
      const result = node.cancelHold(Buffer.from(String(json.payment_hash ?? ''), 'base64').toString('hex'));
      if (result === 'unknown') return rpcError(res, CODE.notFound, 'unable to locate invoice');
      if (result === 'already_settled') return rpcError(res, CODE.unknown, 'invoice already settled');
      return ok(res, {});
    }
    const lookup = /^\/v1\/invoice\/([0-9a-fA-F]{64})$/.exec(url.pathname);
    if (req.method === 'GET' && (lookup || url.pathname === '/v2/invoices/lookup')) {
      const hash = lookup?.[1]?.toLowerCase() ?? Buffer.from(url.searchParams.get('payment_hash') ?? '', 'base64url').toString('hex');
      const invoice = node.invoices.get(hash);
      return invoice ? ok(res, invoiceJson(node, invoice)) : rpcError(res, CODE.notFound, 'unable to locate invoice');
    }
    if (route === 'GET /v1/invoices/subscribe') return subscribeInvoices(res, url);
    if (route === 'POST /v2/router/send') {
      sends.push(json);
      return send(res, json);
    }
    const track = /^\/v2\/router\/track\/([A-Za-z0-9_-]+=*)$/.exec(url.pathname);
    if (req.method === 'GET' && track?.[1]) return trackPayment(res, Buffer.from(track[1], 'base64url').toString('hex'), url.searchParams.get('no_inflight_updates') === 'true');
    return rpcError(res, CODE.notFound, 'Not Found');
  }

  function subscribeInvoices(res: ServerResponse, url: URL): void {
    if (node.subscriptionsRefused) return rpcError(res, CODE.unknown, 'injected: subscriptions down', 503);
    res.writeHead(200, { 'content-type': 'application/json' });
    const settleIndex = Number(url.searchParams.get('settle_index') ?? '0');
    if (settleIndex > 0) for (const invoice of node.settledSince(settleIndex)) line(res, { result: invoiceJson(node, invoice) });
    const added = (invoice: FakeInvoice): void => line(res, { result: invoiceJson(node, invoice) });
    const drop = (): void => void res.destroy();
    node.events.on('added', added);
    node.events.on('settled', added);
    node.events.on('drop', drop);
    res.on('close', () => {
      node.events.off('added', added);
      node.events.off('settled', added);
      node.events.off('drop', drop);
    });
  }

  async function send(res: ServerResponse, json: Record<string, unknown>): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/json' });
    let started: ReturnType<FakeNode['startPayment']>;
    try {
      const amt = json.amt_msat !== undefined ? BigInt(String(json.amt_msat)) : null;
      started = node.startPayment(String(json.payment_request ?? ''), amt);
    } catch (err) {
      if (!(err instanceof PayRefusal)) throw err;
      const code = err.kind === 'already_paid' || err.kind === 'in_flight' ? CODE.alreadyExists : CODE.unknown;
      line(res, { error: { code, message: err.message, details: [] } });
      return void res.end();
    }
    if (json.no_inflight_updates !== true) line(res, { result: paymentJson(started.payment) });
    const final = await started.done;
    if (!res.destroyed) line(res, { result: paymentJson(final) });
    res.end();
  }

  function trackPayment(res: ServerResponse, hash: string, noInflight: boolean): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    const payment = node.payments.get(hash);
    if (!payment) {
      line(res, { error: { code: CODE.notFound, message: "payment isn't initiated", details: [] } });
      return void res.end();
    }
    if (payment.status !== 'in_flight') {
      line(res, { result: paymentJson(payment) });
      return void res.end();
    }
    if (!noInflight) line(res, { result: paymentJson(payment) });
    const onDone = (p: FakePayment): void => {
      if (p.paymentHash !== hash) return;
      node.events.off('payment', onDone);
      if (!res.destroyed) line(res, { result: paymentJson(p) });
      res.end();
    };
    node.events.on('payment', onDone);
    res.on('close', () => node.events.off('payment', onDone));
  }

  // a stable port: it is cut off and comes back on the same address
  const port = await listenOnStablePort((p) => listenOn(server, p));
  const stop = () => closeServer(server as unknown as import('node:http').Server);
  const start = () => listenOn(server, port);
  return { url: `https://127.0.0.1:${port}`, sends, stop, start, close: stop };
}

function invoiceJson(node: FakeNode, i: FakeInvoice): Record<string, unknown> {
  const state = node.invoiceState(i);
  return {
    memo: i.description,
    r_preimage: b64(i.preimage),
    r_hash: b64(i.paymentHash),
    value: String((i.amountMsat ?? 0n) / 1000n),
    value_msat: String(i.amountMsat ?? 0n),
    settled: state === 'settled',
    creation_date: String(i.createdAt),
    settle_date: String(i.settledAt ?? 0),
    payment_request: i.bolt11,
    expiry: String(i.expiresAt - i.createdAt),
    add_index: String(i.addIndex),
    settle_index: String(i.settleIndex ?? 0),
    amt_paid: String(i.receivedMsat),
    amt_paid_sat: String(i.receivedMsat / 1000n),
    amt_paid_msat: String(i.receivedMsat),
    state: { open: 'OPEN', accepted: 'ACCEPTED', settled: 'SETTLED', canceled: 'CANCELED' }[state],
    htlcs: [],
    is_keysend: false,
  };
}

function paymentJson(p: FakePayment): Record<string, unknown> {
  return {
    payment_hash: p.paymentHash,
    value: String(p.amountMsat / 1000n),
    creation_date: String(p.createdAt),
    fee: String(p.feeMsat / 1000n),
    payment_preimage: p.preimage ?? '',
    value_sat: String(p.amountMsat / 1000n),
    value_msat: String(p.amountMsat),
    payment_request: p.bolt11,
    status: { in_flight: 'IN_FLIGHT', succeeded: 'SUCCEEDED', failed: 'FAILED' }[p.status],
    fee_sat: String(p.feeMsat / 1000n),
    fee_msat: String(p.feeMsat),
    creation_time_ns: String(p.createdAt * 1_000_000_000),
    htlcs: [],
    payment_index: String(p.index),
    failure_reason: p.status === 'failed' ? (FAILURE[p.reason ?? ''] ?? 'FAILURE_REASON_ERROR') : 'FAILURE_REASON_NONE',
  };
}

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

function ok(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function line(res: ServerResponse, value: unknown): void {
  if (!res.destroyed) res.write(`${JSON.stringify(value)}\n`);
}

function rpcError(res: ServerResponse, code: number, message: string, status = HTTP_OF_CODE[code] ?? 500): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message, details: [] }));
}
