// The development node's books: its invoices, its outgoing payments and its balance. All money
// that comes in passes through receive(); every change is persisted before it is answered.
import { randomUUID } from 'node:crypto';
import type { DecodedInvoice } from '../bolt11.js';
import { issueInvoice } from './issue-invoice.js';
import { nodeIdOf, type Chain } from './keys.js';
import type { SettleAnswer } from './peers.js';
import type { DevnodeState, IncomingRecord, OutgoingRecord } from './state.js';

export interface DevNodeDeps {
  state: DevnodeState;
  chain: Chain;
  persist: () => Promise<void>;
  /** told about every settled invoice (webhooks); must not throw */
  onReceived: (record: IncomingRecord) => void;
  now: () => number;
}

export interface NewInvoice {
  amountMsat: bigint | null;
  description: { text: string } | { hash: string };
  expirySeconds: number;
  externalId: string | null;
  webhookUrl: string | null;
}

const STATUS_RANK = { succeeded: 3, pending: 2, failed: 1 } as const; // phoenixd's choice among attempts

export class DevNode {
  readonly nodeId: string;

  constructor(private readonly deps: DevNodeDeps) {
    this.nodeId = nodeIdOf(deps.state.privateKey);
  }

  get chain(): Chain {
    return this.deps.chain;
  }

  get balanceMsat(): bigint {
    return this.deps.state.balanceMsat;
  }

  now(): number {
    return this.deps.now();
  }

  async createInvoice(req: NewInvoice): Promise<IncomingRecord> {
    const nowMs = this.deps.now();
    const issued = issueInvoice({ ...req, privateKey: this.deps.state.privateKey, chain: this.deps.chain, nowMs });
    const record: IncomingRecord = {
      paymentHash: issued.paymentHash,
      preimage: issued.preimage,
      bolt11: issued.bolt11,
      description: 'text' in req.description ? req.description.text : null,
      amountMsat: req.amountMsat,
      externalId: req.externalId,
      webhookUrl: req.webhookUrl,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + req.expirySeconds * 1000,
      receivedMsat: 0n,
      completedAtMs: null,
    };
    this.deps.state.incoming.set(record.paymentHash, record);
    await this.deps.persist();
    return record;
  }

  incoming(paymentHash: string): IncomingRecord | undefined {
    return this.deps.state.incoming.get(paymentHash);
  }

  isExpired(record: IncomingRecord): boolean {
    return this.deps.now() > record.expiresAtMs;
  }

  /** Settles one of this node's own invoices: the invoice is paid, the preimage revealed. */
  async receive(invoice: DecodedInvoice, amountMsat: bigint): Promise<SettleAnswer> {
    const record = this.deps.state.incoming.get(invoice.paymentHash);
    if (!record || invoice.payeeNodeId !== this.nodeId) return { reason: 'unknown invoice' };
    if (record.completedAtMs !== null) return { reason: 'invoice already paid' };
    if (this.isExpired(record)) return { reason: 'invoice expired' };
    if (record.amountMsat !== null && amountMsat < record.amountMsat) return { reason: 'amount below the invoice amount' };
    // Checked and marked without an await in between, so two payers cannot both settle it.
    record.receivedMsat = amountMsat;
    record.completedAtMs = this.deps.now();
    this.deps.state.balanceMsat += amountMsat;
    await this.deps.persist();
    this.deps.onReceived(record);
    return { preimage: record.preimage };
  }

  /** The attempt phoenixd would show for this hash: succeeded, else pending, else failed. */
  outgoingByHash(paymentHash: string): OutgoingRecord | undefined {
    let best: OutgoingRecord | undefined;
    for (const record of this.deps.state.outgoing) {
      if (record.paymentHash === paymentHash && (!best || STATUS_RANK[record.status] > STATUS_RANK[best.status])) best = record;
    }
    return best;
  }

  /** Records a new attempt as pending (synchronously, so concurrent payers see it). */
  startOutgoing(invoice: DecodedInvoice, bolt11: string, amountMsat: bigint): OutgoingRecord {
    const record: OutgoingRecord = {
      paymentId: randomUUID(),
      paymentHash: invoice.paymentHash,
      bolt11,
      amountMsat,
      feeMsat: 0n,
      status: 'pending',
      preimage: null,
      reason: null,
      createdAtMs: this.deps.now(),
      completedAtMs: null,
    };
    this.deps.state.outgoing.push(record);
    return record;
  }

  async finishOutgoing(record: OutgoingRecord, answer: SettleAnswer): Promise<OutgoingRecord> {
    if ('preimage' in answer) {
      record.status = 'succeeded';
      record.preimage = answer.preimage;
    } else {
      record.status = 'failed';
      record.reason = answer.reason;
    }
    record.completedAtMs = this.deps.now();
    await this.deps.persist();
    return record;
  }

  /** Takes the amount out of the balance before it leaves; false when it is not there. */
  reserve(amountMsat: bigint): boolean {
    if (this.deps.state.balanceMsat < amountMsat) return false;
    this.deps.state.balanceMsat -= amountMsat;
    return true;
  }

  refund(amountMsat: bigint): void {
    this.deps.state.balanceMsat += amountMsat;
  }

  persist(): Promise<void> {
    return this.deps.persist();
  }
}
