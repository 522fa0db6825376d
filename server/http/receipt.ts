// A paid action's receipt as response headers, the same for every route that charges.
import type { FastifyReply } from 'fastify';
import { msatToSats, msatToSatsUp } from '../../contract/money.js';
import { formatPaymentReceipt } from '../mpp/header.js';
import { balanceIsLow, type PaymentReference, type Receipt } from '../payments/types.js';
import { rfc3339 } from '../wire/binding.js';
import { formatPaymentResponse } from '../x402/header.js';

export function writeReceipt(reply: FastifyReply, receipt: Receipt): void {
  if (receipt.requestId) reply.header('x-request-id', receipt.requestId);
  if (receipt.kind === 'free') return;
  if (receipt.chargedMsat !== null) {
    reply.header('x-charged-msats', receipt.chargedMsat.toString());
    reply.header('x-charged-sats', String(msatToSatsUp(receipt.chargedMsat)));
  }
  if (receipt.maxChargeMsat !== undefined) reply.header('x-max-charge-sats', String(msatToSatsUp(receipt.maxChargeMsat)));
  if (receipt.balanceMsat !== null) reply.header('x-balance-sats', String(msatToSats(receipt.balanceMsat)));
  // the agent's own alarm: it learns before it meets a 402 in the middle of a task
  if (balanceIsLow(receipt)) reply.header('x-balance-low', 'true');
  if (receipt.payment) writeRailReceipt(reply, receipt.payment);
}

/**
 * MPP's Payment-Receipt and x402's PAYMENT-RESPONSE: the payment hash is the reference to keep.
 * Only on a success (a receipt says the payment was taken; an upstream's refusal took none), and
 * kept out of shared caches, as the Payment scheme asks.
 */
function writeRailReceipt(reply: FastifyReply, p: PaymentReference): void {
  if (reply.statusCode < 200 || reply.statusCode > 299 || p.rail === 'l402') return;
  if (p.rail === 'mpp') reply.header('payment-receipt', formatPaymentReceipt({ challengeId: p.challengeId, method: 'lightning', reference: p.paymentHash, timestamp: rfc3339(p.paidAt) }));
  else reply.header('payment-response', formatPaymentResponse({ network: p.network, invoice: p.invoice, paymentHash: p.paymentHash, settledAt: p.paidAt }));
  const cache = reply.getHeader('cache-control');
  if (cache === undefined) reply.header('cache-control', 'private');
  else if (!/(^|[\s,])private\b/i.test(String(cache))) reply.header('cache-control', `${String(cache)}, private`);
}
