// Top-up routes: create (new or refill), claim, status, balance.
import type { FastifyInstance } from 'fastify';
import type { TopupService } from '../../topup/service.js';
import { AppError } from '../../errors.js';
import { readToken, requireToken } from '../auth.js';
import { ClaimRequestSchema, topupRequestSchema, type Balance, type ClaimResponse, type TopupCreated, type TopupStatusBody } from '../../../contract/api.js';
import { jsonObject } from '../body.js';
import { parseWith } from '../parse-with.js';

export function topupRoutes(app: FastifyInstance, deps: { topups: TopupService; limits: { minSats: number; maxSats: number } }): void {
  const { topups } = deps;
  const TopupRequest = topupRequestSchema(deps.limits.minSats, deps.limits.maxSats);

  app.post('/api/v1/topup', async (req, reply) => {
    const token = readToken(req);
    const { amount_sats: amountSats, claim_secret_only: claimSecretOnly } = parseWith(TopupRequest, jsonObject(req));
    const created: TopupCreated = await topups.create({ amountSats, token, client: req.ip, claimSecretOnly: claimSecretOnly === true });
    return reply.code(201).send(created);
  });

  app.post('/api/v1/topup/claim', async (req): Promise<ClaimResponse> => {
    const token = readToken(req);
    const body = parseWith(ClaimRequestSchema, jsonObject(req));
    return topups.claim({ preimage: body.preimage?.trim(), paymentHash: body.payment_hash?.trim(), claimSecret: body.claim_secret?.trim(), token });
  });

  app.get<{ Params: { paymentHash: string } }>('/api/v1/topup/:paymentHash', async (req): Promise<TopupStatusBody> => {
    // the claim's path, asked with GET: no payment hash "claim", the path takes POST
    if (req.params.paymentHash === 'claim') throw new AppError('method_not_allowed', 'Method GET is not allowed on /api/v1/topup/claim; it takes POST.', {}, {}, { allow: ['POST'] });
    return topups.status(req.params.paymentHash);
  });

  app.get('/api/v1/balance', async (req): Promise<Balance> => topups.balance(requireToken(req)));
}
