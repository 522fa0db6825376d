// How the development node pays an invoice: its own (it settles it, standing in for an outside
// payer), a peer's (the peer settles it, the amount leaves the balance), or nobody's (a definite
// failure, as phoenixd answers it). Test-only faults can fail or stall the next payment.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DecodedInvoice } from '../bolt11.js';
import { CHAINS } from './keys.js';
import type { DevNode } from './node.js';
import type { PeerDirectory, SettleAnswer } from './peers.js';
import type { OutgoingRecord } from './state.js';

export type PaymentFault = { outcome: 'fail' } | { outcome: 'pending'; holdMs: number };

export type PayResult = { paid: true; record: OutgoingRecord } | { paid: false; paymentHash: string; reason: string };

export class Payer {
  private nextFault: PaymentFault | null = null;
  private readonly stopHolds = new AbortController();
  private readonly inFlight = new Set<Promise<PayResult>>();

  constructor(
    private readonly node: DevNode,
    private readonly peers: PeerDirectory,
  ) {}

  /** The fault applies to the next payment only; `null` clears it. */
  setNextFault(fault: PaymentFault | null): void {
    this.nextFault = fault;
  }

  /** Ends every stall now and waits for the payments under way (on close). */
  async finishAll(): Promise<void> {
    this.stopHolds.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  pay(invoice: DecodedInvoice, bolt11: string, amountMsat: bigint): Promise<PayResult> {
    const payment = this.attempt(invoice, bolt11, amountMsat).finally(() => this.inFlight.delete(payment));
    this.inFlight.add(payment);
    return payment;
  }

  private async attempt(invoice: DecodedInvoice, bolt11: string, amountMsat: bigint): Promise<PayResult> {
    const fault = this.nextFault;
    this.nextFault = null;
    const previous = this.node.outgoingByHash(invoice.paymentHash);
    if (previous && previous.status !== 'failed') {
      const reason = previous.status === 'succeeded' ? 'invoice already paid' : 'a payment of this invoice is in progress';
      return { paid: false, paymentHash: invoice.paymentHash, reason };
    }
    const record = this.node.startOutgoing(invoice, bolt11, amountMsat);
    let answer: SettleAnswer;
    if (fault?.outcome === 'fail') {
      answer = { reason: 'injected failure (devnode next-payment)' };
    } else {
      if (fault?.outcome === 'pending') {
        await this.node.persist(); // so that a lookup during the stall shows it pending
        await this.hold(fault.holdMs);
      }
      answer = await this.send(invoice, bolt11, amountMsat);
    }
    await this.node.finishOutgoing(record, answer);
    return 'preimage' in answer ? { paid: true, record } : { paid: false, paymentHash: invoice.paymentHash, reason: answer.reason };
  }

  private async send(invoice: DecodedInvoice, bolt11: string, amountMsat: bigint): Promise<SettleAnswer> {
    if (invoice.network !== CHAINS[this.node.chain].bech32) return { reason: `invoice is not for ${this.node.chain}` };
    if (this.node.now() > invoice.expiresAt * 1000) return { reason: 'invoice expired' };
    if (invoice.amountMsat !== null && amountMsat < invoice.amountMsat) return { reason: 'amount below the invoice amount' };
    if (invoice.payeeNodeId === this.node.nodeId) return this.node.receive(invoice, amountMsat);
    const peer = await this.peers.find(invoice.payeeNodeId);
    if (!peer) return { reason: `no route to node ${invoice.payeeNodeId.slice(0, 16)}…: a development node pays only its own invoices and those of its peers` };
    if (!this.node.reserve(amountMsat)) return { reason: 'insufficient balance' };
    const answer = await this.peers.settle(peer, bolt11, amountMsat);
    if ('preimage' in answer && sha256Hex(answer.preimage) === invoice.paymentHash) return answer;
    this.node.refund(amountMsat);
    return 'reason' in answer ? answer : { reason: 'the peer answered a preimage that does not match the hash' };
  }

  private async hold(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.stopHolds.signal });
    } catch {
      // released early by close()
    }
  }
}

function sha256Hex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}
