// Child tokens: POST /api/v1/tokens makes one from the caller's token, GET lists them,
// DELETE /api/v1/tokens/{id} revokes one and returns what it had left; PUT /api/v1/balance/alert sets
// a token's low-balance threshold, GET reads it (the web app's Account page shows it).
import type { FastifyInstance } from 'fastify';
import { BalanceAlertSchema, CreateChildTokenSchema, type BalanceAlert, type ChildTokenList, type ChildTokenRevoked } from '../../../contract/api.js';
import type { TokenService } from '../../tokens/service.js';
import { requireToken } from '../auth.js';
import { jsonObject } from '../body.js';
import { parseWith } from '../parse-with.js';

export function tokenRoutes(app: FastifyInstance, deps: { tokens: TokenService }): void {
  app.post('/api/v1/tokens', async (req, reply) => {
    const parent = requireToken(req);
    const body = parseWith(CreateChildTokenSchema, jsonObject(req));
    const created = await deps.tokens.create(parent, {
      amountSats: body.amount_sats,
      expiresAt: body.expires_at ?? null,
      maxSatsPerDay: body.max_sats_per_day ?? null,
      apis: body.apis ?? null,
    });
    return reply.code(201).send(created);
  });

  app.get('/api/v1/tokens', async (req): Promise<ChildTokenList> => deps.tokens.list(requireToken(req)));

  app.put('/api/v1/balance/alert', async (req): Promise<BalanceAlert> => {
    const token = requireToken(req);
    return deps.tokens.setLowBalanceAlert(token, parseWith(BalanceAlertSchema, jsonObject(req)).below_sats);
  });

  app.get('/api/v1/balance/alert', async (req): Promise<BalanceAlert> => deps.tokens.getLowBalanceAlert(requireToken(req)));

  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id', async (req): Promise<ChildTokenRevoked> => deps.tokens.revoke(requireToken(req), req.params.id));
}
