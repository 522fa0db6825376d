// Endpoints phoenixd does not have: settling an invoice for a peer devnode, and (tests only)
// choosing the outcome of the next payment. Both sit behind the same basic auth.
import type { FastifyInstance } from 'fastify';
import { formOf } from './api-routes.js';
import type { DevNode } from './node.js';
import { BadParameterError, bolt11Invoice, optionalPositiveInteger, requiredString } from './params.js';
import type { Payer } from './pay.js';

export interface DevnodeRouteDeps {
  node: DevNode;
  payer: Payer;
  /** how long a `pending` payment stalls when the request does not say */
  defaultHoldMs: number;
}

export function devnodeRoutes(app: FastifyInstance, { node, payer, defaultHoldMs }: DevnodeRouteDeps): void {
  app.post('/_devnode/settle', async (req) => {
    const form = formOf(req);
    const invoice = bolt11Invoice(form, 'invoice');
    const amountText = requiredString(form, 'amountMsat');
    if (!/^\d{1,20}$/.test(amountText)) throw new BadParameterError("Request parameter amountMsat couldn't be parsed/converted to integer");
    const answer = await node.receive(invoice.decoded, BigInt(amountText));
    return { paymentHash: invoice.decoded.paymentHash, ...answer };
  });

  app.post('/_devnode/next-payment', async (req) => {
    const form = formOf(req);
    const outcome = requiredString(form, 'outcome');
    if (outcome === 'success') {
      payer.setNextFault(null);
      return { outcome };
    }
    if (outcome === 'fail') {
      payer.setNextFault({ outcome });
      return { outcome };
    }
    if (outcome === 'pending') {
      const holdMs = optionalPositiveInteger(form, 'holdMs') ?? defaultHoldMs;
      payer.setNextFault({ outcome, holdMs });
      return { outcome, holdMs };
    }
    throw new BadParameterError('Request parameter outcome must be fail, pending or success');
  });
}
