// A paid action's receipt as response headers, the same for every route that charges.
import type { FastifyReply } from 'fastify';
import { msatToSats } from '../../contract/money.js';
import type { Receipt } from '../payments/types.js';

export function writeReceipt(reply: FastifyReply, receipt: Receipt): void {
  if (receipt.kind === 'free') return;
  reply.header('x-charged-sats', String(msatToSats(receipt.chargedMsat)));
  if (receipt.balanceMsat !== null) reply.header('x-balance-sats', String(msatToSats(receipt.balanceMsat)));
}
