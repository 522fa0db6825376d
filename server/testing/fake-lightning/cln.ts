// A fake Core Lightning clnrest server, written from Core Lightning's RPC reference (invoice,
// listinvoices, waitanyinvoice, pay, listpays, getinfo) and clnrest's conventions: POST /v1/<method>
// with a JSON object, the rune in the Rune header, success 201, an RPC error as a 500 {code, message}.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { SelfSignedCert } from './tls.js';
import { FakeNode, PayRefusal, closeServer, readBody, sameSecret, type FakeInvoice, type FakePayment } from './node.js';
import { listenOn, listenOnStablePort } from '../stable-port.js';

export interface FakeCln {
  url: string;
  /** bodies of pay calls, for assertions */
  pays: Record<string, unknown>[];
  /** bodies of listinvoices calls naming no invoice (a listing of them all, paged or whole) */
  listings: Record<string, unknown>[];
  /** the API goes away (every connection cut, nothing listening) while the node runs on */
  stop(): Promise<void>;
  /** the API listens again on the same address */
  start(): Promise<void>;
  close(): Promise<void>;
}

const PAY_ERROR: Record<string, { code: number; message: string }> = {
  no_route: { code: 205, message: 'Ran out of routes to try after 1 attempt: see `paystatus`' },
  insufficient_balance: { code: 205, message: 'We could not find a usable set of paths. The shortest path is too expensive.' },
  incorrect_payment_details: { code: 203, message: 'Destination said it doesn\u0027t know invoice: WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS' },
};

export async function startFakeCln(node: FakeNode, opts: { rune: string; tls?: SelfSignedCert }): Promise<FakeCln> {
  const expected = Buffer.from(opts.rune);
  const pays: Record<string, unknown>[] = [];
  const listings: Record<string, unknown>[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  // clnrest serves HTTPS with its own certificate by default; plain HTTP when configured so
  const server: Server = opts.tls ? (createHttpsServer({ key: opts.tls.keyPem, cert: opts.tls.certPem }, listener) as unknown as Server) : createServer(listener);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    node.requests.push(`${req.method} ${path}`);
    const fault = node.takeHttpFault(`${req.method} ${path}`);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') return void res.writeHead(fault.status, { 'content-type': 'text/plain' }).end('injected fault');
    const rune = req.headers.rune;
    if (typeof rune !== 'string') return answer(res, 401, { code: 1501, message: 'Not authorized: Missing rune' });
    if (!sameSecret(Buffer.from(rune), expected)) return answer(res, 401, { code: 1502, message: 'Not authorized: Not derived from master' });
    const method = /^\/v1\/([a-z]+)$/.exec(path)?.[1];
    if (req.method !== 'POST' || !method) return answer(res, 404, { code: -32601, message: 'Unknown command' });
    const params = body.length > 0 ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};

    switch (method) {
      case 'getinfo':
        return answer(res, 201, { id: node.nodeId, alias: 'fake-cln', network: 'regtest', version: 'v24.11-fake' });
      case 'invoice': {
        const label = String(params.label ?? '');
        if ([...node.invoices.values()].some((i) => i.label === label)) return answer(res, 500, { code: 900, message: 'Duplicate label' });
        const amount = params.amount_msat === 'any' ? null : BigInt(String(params.amount_msat));
        const invoice = node.createInvoice({ amountMsat: amount, description: String(params.description ?? ''), expirySeconds: Number(params.expiry ?? 604_800), label });
        return answer(res, 201, { payment_hash: invoice.paymentHash, expires_at: invoice.expiresAt, bolt11: invoice.bolt11, payment_secret: '00'.repeat(32), created_index: invoice.addIndex });
      }
      case 'listinvoices': {
        if (params.payment_hash === undefined && params.label === undefined) listings.push(params);
        // since v23.08: index ("created" or "updated") with start and limit pages the list
        if (params.index !== undefined && (node.clnBefore2308 || params.index !== 'created')) return answer(res, 500, { code: -32602, message: `Unknown parameter 'index'` });
        const start = Number(params.start ?? 0);
        const limit = params.limit === undefined ? Infinity : Number(params.limit);
        const list = [...node.invoices.values()]
          .filter((i) => (params.payment_hash === undefined || i.paymentHash === params.payment_hash) && (params.label === undefined || i.label === params.label))
          .filter((i) => params.index === undefined || i.addIndex >= start)
          .sort((a, b) => a.addIndex - b.addIndex)
          .slice(0, limit);
        return answer(res, 201, { invoices: list.map((i) => invoiceJson(node, i)) });
      }
      case 'waitanyinvoice':
        return waitAny(res, Number(params.lastpay_index ?? 0), params.timeout === undefined ? null : Number(params.timeout));
      case 'pay':
        pays.push(params);
        return pay(res, params);
      case 'listpays': {
        const list = [...node.payments.values()].filter((p) => params.payment_hash === undefined || p.paymentHash === params.payment_hash);
        return answer(res, 201, { pays: list.map(listpaysJson) });
      }
      default:
        return answer(res, 404, { code: -32601, message: `Unknown command '${method}'` });
    }
  }

  function waitAny(res: ServerResponse, lastPayIndex: number, timeoutSeconds: number | null): void {
    if (node.subscriptionsRefused) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('injected: unavailable');
    const ready = node.settledSince(lastPayIndex)[0];
    if (ready) return answer(res, 201, invoiceJson(node, ready));
    const cleanup = (): void => {
      node.events.off('settled', onSettled);
      node.events.off('drop', drop);
      if (timer) clearTimeout(timer);
    };
    const onSettled = (invoice: FakeInvoice): void => {
      cleanup();
      answer(res, 201, invoiceJson(node, invoice));
    };
    const drop = (): void => {
      cleanup();
      res.destroy();
    };
    const timer = timeoutSeconds === null ? null : setTimeout(() => {
      cleanup();
      answer(res, 500, { code: 904, message: 'Timed out' });
    }, timeoutSeconds * 1000);
    node.events.on('settled', onSettled);
    node.events.on('drop', drop);
    res.on('close', cleanup);
  }

  async function pay(res: ServerResponse, params: Record<string, unknown>): Promise<void> {
    const bolt11 = String(params.bolt11 ?? '');
    let started: ReturnType<FakeNode['startPayment']>;
    try {
      started = node.startPayment(bolt11, params.amount_msat === undefined ? null : BigInt(String(params.amount_msat)));
    } catch (err) {
      if (!(err instanceof PayRefusal)) throw err;
      if (err.kind === 'already_paid') {
        const earlier = [...node.payments.values()].find((p) => p.bolt11 === bolt11 && p.status === 'succeeded');
        if (earlier) return answer(res, 201, payJson(earlier));
      }
      const error = err.kind === 'expired' ? { code: 207, message: 'Invoice expired' } : err.kind === 'in_flight' ? { code: 200, message: 'There is already a payment in progress' } : { code: -32602, message: `Invalid bolt11: ${err.message}` };
      return answer(res, 500, error);
    }
    const maxfee = params.maxfee === undefined ? null : BigInt(String(params.maxfee));
    const final = await started.done;
    if (maxfee !== null && final.feeMsat > maxfee) return answer(res, 500, { code: 206, message: 'Fee exceeds our fee budget' });
    if (final.status === 'succeeded') return answer(res, 201, payJson(final));
    return answer(res, 500, PAY_ERROR[final.reason ?? ''] ?? { code: -1, message: 'payment failed' });
  }

  // a stable port: it is cut off and comes back on the same address
  const port = await listenOnStablePort((p) => listenOn(server, p));
  const stop = () => closeServer(server);
  const start = () => listenOn(server, port);
  return { url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`, pays, listings, stop, start, close: stop };
}

function invoiceJson(node: FakeNode, i: FakeInvoice): Record<string, unknown> {
  const state = node.invoiceState(i);
  return {
    label: i.label,
    bolt11: i.bolt11,
    payment_hash: i.paymentHash,
    ...(i.amountMsat === null ? {} : { amount_msat: Number(i.amountMsat) }),
    status: { open: 'unpaid', accepted: 'unpaid', settled: 'paid', canceled: 'expired' }[state],
    description: i.description,
    expires_at: i.expiresAt,
    created_index: i.addIndex,
    ...(state === 'settled' ? { pay_index: i.settleIndex, amount_received_msat: Number(i.receivedMsat), paid_at: i.settledAt, payment_preimage: i.preimage, updated_index: i.settleIndex } : {}),
  };
}

function payJson(p: FakePayment): Record<string, unknown> {
  return {
    destination: '02'.padEnd(66, '0'),
    payment_hash: p.paymentHash,
    created_at: p.createdAt,
    parts: 1,
    amount_msat: Number(p.amountMsat),
    amount_sent_msat: Number(p.amountMsat + p.feeMsat),
    payment_preimage: p.preimage,
    status: 'complete',
  };
}

function listpaysJson(p: FakePayment): Record<string, unknown> {
  return {
    bolt11: p.bolt11,
    payment_hash: p.paymentHash,
    status: { in_flight: 'pending', succeeded: 'complete', failed: 'failed' }[p.status],
    created_at: p.createdAt,
    ...(p.completedAt === null ? {} : { completed_at: p.completedAt }),
    amount_msat: Number(p.amountMsat),
    amount_sent_msat: Number(p.amountMsat + p.feeMsat),
    ...(p.preimage ? { preimage: p.preimage } : {}),
  };
}

function answer(res: ServerResponse, status: number, value: unknown): void {
  if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
