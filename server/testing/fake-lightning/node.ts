// The books of a fake Lightning node, shared by the fake LND and Core Lightning servers: real signed
// regtest invoices, payments to and from development nodes (through their peer endpoint), indexes
// as both daemons keep them, and faults a test turns on (a failed or held payment, 5xx, hangs).
import { createHash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBolt11, type DecodedInvoice } from '../../lightning/bolt11.js';
import { issueInvoice } from '../../lightning/devnode/issue-invoice.js';
import { generateNodeKey, nodeIdOf } from '../../lightning/devnode/keys.js';
import { PeerDirectory, type PeerConfig } from '../../lightning/devnode/peers.js';

export interface FakeInvoice {
  paymentHash: string;
  preimage: string;
  bolt11: string;
  label: string;
  description: string;
  amountMsat: bigint | null;
  createdAt: number;
  expiresAt: number;
  state: 'open' | 'accepted' | 'settled' | 'canceled';
  /** a hold invoice: the node does not know the preimage until it is settled with it */
  hold: boolean;
  receivedMsat: bigint;
  settledAt: number | null;
  addIndex: number;
  settleIndex: number | null;
}

export interface FakePayment {
  paymentHash: string;
  bolt11: string;
  amountMsat: bigint;
  feeMsat: bigint;
  status: 'in_flight' | 'succeeded' | 'failed';
  preimage: string | null;
  reason: string | null;
  createdAt: number;
  completedAt: number | null;
  index: number;
}

export type HttpFault = { kind: 'status'; status: number } | { kind: 'hang' };

export type PaymentFault = { kind: 'fail' } | { kind: 'hold'; release: Promise<void> };

export interface FakeNodeOptions {
  /** development nodes this node can pay (their peer endpoint: /getinfo, /_devnode/settle) */
  peers?: PeerConfig[];
  balanceMsat?: bigint;
  /** Unix seconds */
  now?: () => number;
  /** routing fee charged per payment */
  feeMsat?: bigint;
}

export class FakeNode {
  readonly privateKey = generateNodeKey();
  readonly nodeId = nodeIdOf(this.privateKey);
  readonly invoices = new Map<string, FakeInvoice>();
  readonly payments = new Map<string, FakePayment>();
  readonly events = new EventEmitter();
  balanceMsat: bigint;
  /** every API request seen, for assertions (method and path) */
  readonly requests: string[] = [];
  private addIndex = 0;
  private settleIndex = 0;
  private paymentIndex = 0;
  private readonly faults: PaymentFault[] = [];
  private readonly holdWaiters = new Map<string, (outcome: 'settled' | 'canceled') => void>();
  private readonly httpFaults: { fault: HttpFault; route: string | null; skip: number }[] = [];
  private peers: PeerDirectory;
  /** while true, invoice subscriptions (LND's stream, CLN's waitanyinvoice) are answered 503 */
  subscriptionsRefused = false;
  /** Core Lightning before v23.08: listinvoices takes no index/start/limit */
  clnBefore2308 = false;
  readonly now: () => number;
  private readonly feeMsat: bigint;

  constructor(opts: FakeNodeOptions = {}) {
    this.peers = new PeerDirectory(opts.peers ?? [], 2_000);
    this.balanceMsat = opts.balanceMsat ?? 100_000_000n;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.feeMsat = opts.feeMsat ?? 0n;
    this.events.setMaxListeners(100);
  }

  /** the development nodes this node pays (set once they listen) */
  setPeers(peers: PeerConfig[]): void {
    void this.peers.close();
    this.peers = new PeerDirectory(peers, 2_000);
  }

  /** cuts every open subscription stream, as a restart of the node would */
  dropStreams(): void {
    this.events.emit('drop');
  }

  // ---- faults -----------------------------------------------------------------------------------
  /** the next payment fails at the route (a definite failure) */
  failNextPayment(): void {
    this.faults.push({ kind: 'fail' });
  }

  /** the next payment stays in flight until the returned function is called */
  holdNextPayment(): () => void {
    let release!: () => void;
    this.faults.push({ kind: 'hold', release: new Promise<void>((r) => (release = r)) });
    return release;
  }

  /** the next API requests answer this status (e.g. 503) instead of being served */
  failNextRequests(status: number, count = 1): void {
    for (let i = 0; i < count; i += 1) this.httpFaults.push({ fault: { kind: 'status', status }, route: null, skip: 0 });
  }

  /** one request to this route ("POST /v1/pay") answers `status`, after `skip` of them are served */
  failRequest(route: string, status: number, skip = 0): void {
    this.httpFaults.push({ fault: { kind: 'status', status }, route, skip });
  }

  /** the next API request is never answered (the client's deadline ends it) */
  hangNextRequest(route: string | null = null): void {
    this.httpFaults.push({ fault: { kind: 'hang' }, route, skip: 0 });
  }

  /** for the API servers: a fault to apply to this request, if any */
  takeHttpFault(route: string): HttpFault | undefined {
    const index = this.httpFaults.findIndex((f) => f.route === null || f.route === route);
    const entry = this.httpFaults[index];
    if (!entry) return undefined;
    if (entry.skip > 0) {
      entry.skip -= 1;
      return undefined;
    }
    this.httpFaults.splice(index, 1);
    return entry.fault;
  }

  // ---- invoices ---------------------------------------------------------------------------------
  createInvoice(req: { amountMsat: bigint | null; description: string; expirySeconds: number; label?: string; holdHash?: string }): FakeInvoice {
    const nowS = this.now();
    const issued = issueInvoice({ privateKey: this.privateKey, chain: 'regtest', amountMsat: req.amountMsat, description: { text: req.description }, expirySeconds: req.expirySeconds, nowMs: nowS * 1000, ...(req.holdHash ? { paymentHash: req.holdHash } : {}) });
    this.addIndex += 1;
    const invoice: FakeInvoice = {
      paymentHash: issued.paymentHash,
      preimage: req.holdHash ? '' : issued.preimage,
      bolt11: issued.bolt11,
      label: req.label ?? `inv-${this.addIndex}`,
      description: req.description,
      amountMsat: req.amountMsat,
      createdAt: nowS,
      expiresAt: nowS + req.expirySeconds,
      state: 'open',
      hold: req.holdHash !== undefined,
      receivedMsat: 0n,
      settledAt: null,
      addIndex: this.addIndex,
      settleIndex: null,
    };
    this.invoices.set(invoice.paymentHash, invoice);
    this.events.emit('added', invoice);
    return invoice;
  }

  invoiceState(invoice: FakeInvoice): FakeInvoice['state'] {
    if (invoice.state === 'open' && this.now() > invoice.expiresAt) invoice.state = 'canceled';
    return invoice.state;
  }

  /**
   * A payer settles one of this node's invoices (the peer endpoint). A hold invoice answers only
   * once the holder settles it (with the preimage) or cancels it, as a held HTLC does.
   */
  async receive(bolt11: string, amountMsat: bigint): Promise<{ preimage: string } | { reason: string }> {
    const decoded = decodeBolt11(bolt11);
    const invoice = this.invoices.get(decoded.paymentHash);
    if (!invoice || decoded.payeeNodeId !== this.nodeId) return { reason: 'unknown invoice' };
    const state = this.invoiceState(invoice);
    if (state === 'settled') return { reason: 'invoice already paid' };
    if (state === 'accepted') return { reason: 'invoice already has a payment held' };
    if (state === 'canceled') return { reason: 'invoice expired' };
    if (invoice.amountMsat !== null && amountMsat < invoice.amountMsat) return { reason: 'amount below the invoice amount' };
    if (invoice.hold) {
      invoice.state = 'accepted';
      invoice.receivedMsat = amountMsat;
      this.events.emit('accepted', invoice);
      const outcome = await new Promise<'settled' | 'canceled'>((resolve) => this.holdWaiters.set(invoice.paymentHash, resolve));
      if (outcome === 'canceled') return { reason: 'payment canceled by the receiver' };
      return { preimage: invoice.preimage };
    }
    this.settle(invoice, amountMsat);
    return { preimage: invoice.preimage };
  }

  /** the holder settles a held payment with its preimage */
  settleHold(preimage: string): 'settled' | 'unknown' | 'not_accepted' {
    const invoice = this.invoices.get(sha256(preimage));
    if (!invoice?.hold) return 'unknown';
    if (invoice.state !== 'accepted') return 'not_accepted';
    invoice.preimage = preimage;
    this.settle(invoice, invoice.receivedMsat);
    this.holdWaiters.get(invoice.paymentHash)?.('settled');
    this.holdWaiters.delete(invoice.paymentHash);
    return 'settled';
  }

  /** the holder cancels a hold invoice (a held payment goes back) */
  cancelHold(paymentHash: string): 'canceled' | 'unknown' | 'already_settled' {
    const invoice = this.invoices.get(paymentHash);
    if (!invoice) return 'unknown';
    if (invoice.state === 'settled') return 'already_settled';
    Object.assign(invoice, { state: 'canceled', receivedMsat: 0n });
    this.holdWaiters.get(paymentHash)?.('canceled');
    this.holdWaiters.delete(paymentHash);
    return 'canceled';
  }

  private settle(invoice: FakeInvoice, amountMsat: bigint): void {
    this.settleIndex += 1;
    Object.assign(invoice, { state: 'settled', receivedMsat: amountMsat, settledAt: this.now(), settleIndex: this.settleIndex });
    this.balanceMsat += amountMsat;
    this.events.emit('settled', invoice);
  }

  settledSince(index: number): FakeInvoice[] {
    return [...this.invoices.values()].filter((i) => i.settleIndex !== null && i.settleIndex > index).sort((a, b) => (a.settleIndex ?? 0) - (b.settleIndex ?? 0));
  }

  // ---- payments ---------------------------------------------------------------------------------
  /**
   * Starts paying an invoice. Refuses (throws PayRefusal) what a node refuses before any HTLC: a
   * hash already paid or in flight, an expired or wrong-network invoice. Otherwise the payment is
   * recorded in flight at once and `done` resolves when it is final.
   */
  startPayment(bolt11: string, amountMsat: bigint | null): { payment: FakePayment; done: Promise<FakePayment> } {
    let decoded: DecodedInvoice;
    try {
      decoded = decodeBolt11(bolt11);
    } catch {
      throw new PayRefusal('invalid', 'invoice does not decode');
    }
    const previous = this.payments.get(decoded.paymentHash);
    if (previous?.status === 'succeeded') throw new PayRefusal('already_paid', 'invoice is already paid');
    if (previous?.status === 'in_flight') throw new PayRefusal('in_flight', 'payment is in transition');
    if (decoded.network !== 'bcrt') throw new PayRefusal('invalid', 'invoice is for another network');
    if (this.now() > decoded.expiresAt) throw new PayRefusal('expired', 'invoice expired');
    const amount = decoded.amountMsat ?? amountMsat;
    if (amount === null || amount <= 0n) throw new PayRefusal('invalid', 'amount must be specified when paying a zero amount invoice');
    this.paymentIndex += 1;
    const payment: FakePayment = { paymentHash: decoded.paymentHash, bolt11, amountMsat: amount, feeMsat: 0n, status: 'in_flight', preimage: null, reason: null, createdAt: this.now(), completedAt: null, index: this.paymentIndex };
    this.payments.set(payment.paymentHash, payment);
    const fault = this.faults.shift();
    const done = this.route(payment, decoded, fault).then(() => {
      payment.completedAt = this.now();
      this.events.emit('payment', payment);
      return payment;
    });
    return { payment, done };
  }

  private async route(payment: FakePayment, decoded: DecodedInvoice, fault: PaymentFault | undefined): Promise<void> {
    if (fault?.kind === 'fail') return fail(payment, 'no_route');
    if (fault?.kind === 'hold') await fault.release;
    if (this.balanceMsat < payment.amountMsat + this.feeMsat) return fail(payment, 'insufficient_balance');
    const peer = await this.peers.find(decoded.payeeNodeId);
    if (!peer) return fail(payment, 'no_route');
    this.balanceMsat -= payment.amountMsat + this.feeMsat;
    const answer = await this.peers.settle(peer, payment.bolt11, payment.amountMsat);
    if ('preimage' in answer && sha256(answer.preimage) === payment.paymentHash) {
      Object.assign(payment, { status: 'succeeded', preimage: answer.preimage, feeMsat: this.feeMsat });
      return;
    }
    this.balanceMsat += payment.amountMsat + this.feeMsat;
    return fail(payment, 'incorrect_payment_details');
  }

  // ---- the peer endpoint (how development nodes pay this node) -----------------------------------
  /** Serves GET /getinfo and POST /_devnode/settle, as a development node's peer expects. */
  async startPeerEndpoint(password: string): Promise<{ url: string; close(): Promise<void> }> {
    const expected = Buffer.from(`Basic ${Buffer.from(`:${password}`).toString('base64')}`);
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (!sameSecret(Buffer.from(req.headers.authorization ?? ''), expected)) return void res.writeHead(401).end();
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && req.url === '/getinfo') return void res.end(JSON.stringify({ nodeId: this.nodeId }));
        if (req.method === 'POST' && req.url === '/_devnode/settle') {
          const form = new URLSearchParams(Buffer.concat(chunks).toString());
          try {
            void this.receive(form.get('invoice') ?? '', BigInt(form.get('amountMsat') ?? '0')).then(
              (answer) => res.end(JSON.stringify(answer)),
              () => res.writeHead(400).end(JSON.stringify({ reason: 'bad request' })),
            );
            return;
          } catch {
            return void res.writeHead(400).end(JSON.stringify({ reason: 'bad request' }));
          }
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
  }

  async close(): Promise<void> {
    await this.peers.close();
  }
}

export class PayRefusal extends Error {
  constructor(
    readonly kind: 'already_paid' | 'in_flight' | 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

function fail(payment: FakePayment, reason: string): void {
  Object.assign(payment, { status: 'failed', reason });
}

export function sha256(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

/** constant-time comparison of a presented credential with the expected one */
export function sameSecret(presented: Buffer, expected: Buffer): boolean {
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
