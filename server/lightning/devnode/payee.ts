// The development payee wallet: "someone else's wallet" beside the server's development node, so
// that a withdrawal (collect) can be tried without real sats. It is a second development node in
// the same process, started empty; the server's node lists it as its peer and can pay its
// invoices, exactly as it would pay an outside wallet's.
import { randomBytes } from 'node:crypto';
import { startDevnode, type IncomingRecord, type PeerConfig, type RunningDevnode } from './index.js';

export interface DevPayeeInvoice {
  bolt11: string;
  paymentHash: string;
  amountMsat: bigint;
  /** Unix seconds */
  expiresAt: number;
  paid: boolean;
  /** the payee wallet's balance now */
  payeeBalanceMsat: bigint;
}

export interface DevPayee {
  /** what the server's node needs to pay this wallet's invoices */
  peer: PeerConfig;
  nodeId: string;
  /** amountMsat null: an invoice of no amount, payable long enough to be an MPP session's return invoice */
  createInvoice(amountMsat: bigint | null, description: string): Promise<DevPayeeInvoice>;
  /** null when this wallet never issued an invoice of this hash */
  invoice(paymentHash: string): DevPayeeInvoice | null;
  close(): Promise<void>;
}

/** long enough to copy it into the withdraw form and back */
const EXPIRY_SECONDS = 3600;
/** an MPP session asks its return invoice to stay payable for 30 days */
const NO_AMOUNT_EXPIRY_SECONDS = 31 * 86_400;

export async function startDevPayee(opts: { dataDir?: string; now?: () => number }): Promise<DevPayee> {
  const password = randomBytes(24).toString('hex');
  const node: RunningDevnode = await startDevnode({
    host: '127.0.0.1',
    port: 0,
    password,
    initialBalanceSat: 0,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const view = (r: IncomingRecord): DevPayeeInvoice => ({
    bolt11: r.bolt11,
    paymentHash: r.paymentHash,
    amountMsat: r.amountMsat ?? 0n,
    expiresAt: Math.floor(r.expiresAtMs / 1000),
    paid: r.completedAtMs !== null,
    payeeBalanceMsat: node.balanceMsat(),
  });
  return {
    peer: { url: node.url, password },
    nodeId: node.nodeId,
    createInvoice: async (amountMsat, description) => view(await node.createInvoice(amountMsat, description, amountMsat === null ? NO_AMOUNT_EXPIRY_SECONDS : EXPIRY_SECONDS)),
    invoice: (paymentHash) => {
      const record = node.incoming(paymentHash.toLowerCase());
      return record ? view(record) : null;
    },
    close: () => node.close(),
  };
}
