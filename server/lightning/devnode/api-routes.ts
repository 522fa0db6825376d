// phoenixd's HTTP API as the development node serves it: same paths, form fields and answers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DevNode } from './node.js';
import {
  BadParameterError,
  bolt11Invoice,
  hex32,
  missing,
  optionalHex32,
  optionalHttpUrl,
  optionalPositiveInteger,
  optionalString,
  type Form,
} from './params.js';
import type { Payer } from './pay.js';
import { incomingView, outgoingView, paymentSentView } from './views.js';

export interface ApiRouteDeps {
  node: DevNode;
  payer: Payer;
}

const MAX_DESCRIPTION_LENGTH = 128;
const DEFAULT_EXPIRY_SECONDS = 3600;

export function formOf(req: FastifyRequest): Form {
  return (req.body ?? {}) as Form;
}

export function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
}

export function apiRoutes(app: FastifyInstance, { node, payer }: ApiRouteDeps): void {
  app.get('/getinfo', async () => ({ nodeId: node.nodeId, channels: [], chain: node.chain, version: 'devnode' }));

  app.get('/getbalance', async () => ({ balanceSat: Number(node.balanceMsat / 1000n), feeCreditSat: 0 }));

  app.post('/createinvoice', async (req) => {
    const form = formOf(req);
    const description = optionalString(form, 'description');
    const descriptionHash = optionalHex32(form, 'descriptionHash');
    if (description !== null && description.length > MAX_DESCRIPTION_LENGTH) {
      throw new BadParameterError(`Request parameter description is too long (max ${MAX_DESCRIPTION_LENGTH} characters)`);
    }
    if ((description === null) === (descriptionHash === null)) {
      throw new BadParameterError('Must provide either a description or descriptionHash');
    }
    const amountSat = optionalPositiveInteger(form, 'amountSat');
    const record = await node.createInvoice({
      amountMsat: amountSat === null ? null : BigInt(amountSat) * 1000n,
      description: description !== null ? { text: description } : { hash: descriptionHash ?? '' },
      expirySeconds: optionalPositiveInteger(form, 'expirySeconds') ?? DEFAULT_EXPIRY_SECONDS,
      externalId: optionalString(form, 'externalId'),
      webhookUrl: optionalHttpUrl(form, 'webhookUrl'),
    });
    return { ...(amountSat === null ? {} : { amountSat }), paymentHash: record.paymentHash, serialized: record.bolt11 };
  });

  app.get<{ Params: { paymentHash: string } }>('/payments/incoming/:paymentHash', async (req, reply) => {
    const record = node.incoming(hex32(req.params.paymentHash, 'paymentHash'));
    return record ? incomingView(record, node.isExpired(record)) : notFound(reply);
  });

  app.post('/payinvoice', async (req) => {
    const form = formOf(req);
    const invoice = bolt11Invoice(form, 'invoice');
    const amountSat = optionalPositiveInteger(form, 'amountSat');
    const amountMsat = amountSat !== null ? BigInt(amountSat) * 1000n : invoice.decoded.amountMsat;
    if (amountMsat === null) throw missing('amountSat'); // phoenixd: a 400, not a failed payment
    const result = await payer.pay(invoice.decoded, invoice.text, amountMsat);
    // A failed payment is still a 200, with a reason: that is how phoenixd says "definitely not paid".
    return result.paid ? paymentSentView(result.record) : { paymentHash: result.paymentHash, reason: result.reason };
  });

  app.get<{ Params: { paymentHash: string } }>('/payments/outgoingbyhash/:paymentHash', async (req, reply) => {
    const record = node.outgoingByHash(hex32(req.params.paymentHash, 'paymentHash'));
    return record ? outgoingView(record) : notFound(reply);
  });
}
