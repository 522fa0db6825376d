// Top-up routes: create (new or refill), claim, status, balance.
import type { FastifyInstance } from 'fastify';
import type { TopupService } from '../../topup/service.js';
import { readToken, requireToken } from '../auth.js';
import { jsonObject, requiredInteger, requiredString } from '../body.js';

export function topupRoutes(app: FastifyInstance, deps: { topups: TopupService; limits: { minSats: number; maxSats: number } }): void {
  const { topups } = deps;

  app.post('/api/v1/topup', async (req, reply) => {
    const token = readToken(req);
    const body = jsonObject(req);
    // Range is checked by the service; here only "is it a whole number at all".
    const amountSats = requiredInteger(body, 'amount_sats', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const created = await topups.create({ amountSats, token, client: req.ip });
    return reply.code(201).send(created);
  });

  app.post('/api/v1/topup/claim', async (req) => {
    const token = readToken(req);
    const preimage = requiredString(jsonObject(req), 'preimage');
    return topups.claim({ preimage: preimage.trim(), token });
  });

  app.get<{ Params: { paymentHash: string } }>('/api/v1/topup/:paymentHash', async (req) => topups.status(req.params.paymentHash));

  app.get('/api/v1/balance', async (req) => topups.balance(requireToken(req)));
}
