// A paid action's receipt as response headers, the same for every route that charges.
import type { FastifyReply } from 'fastify';
import { msatToSats } from '../../contract/money.js';
import type { Receipt } from '../payments/types.js';

/** Whole sats a client pays for msat: rounded up (the contract's X-Charged-Sats). */
const satsUp = (msat: bigint): string => ((msat + 999n) / 1000n).toString();

export function writeReceipt(reply: FastifyReply, receipt: Receipt): void {
  if (receipt.requestId) reply.header('x-request-id', receipt.requestId);
  if (receipt.kind === 'free') return;
  if (receipt.chargedMsat !== null) {
    reply.header('x-charged-msats', receipt.chargedMsat.toString());
    reply.header('x-charged-sats', satsUp(receipt.chargedMsat));
  }
  if (receipt.maxChargeMsat !== undefined) reply.header('x-max-charge-sats', satsUp(receipt.maxChargeMsat));
  if (receipt.balanceMsat !== null) reply.header('x-balance-sats', String(msatToSats(receipt.balanceMsat)));
  // the agent's own alarm: it learns before it meets a 402 in the middle of a task
  if (receipt.balanceMsat !== null && receipt.lowBalanceMsat != null && receipt.balanceMsat < receipt.lowBalanceMsat) reply.header('x-balance-low', 'true');
}
