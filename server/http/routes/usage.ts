// GET /api/v1/usage/{request_id}: what a paid call was charged (a metered stream's receipt).
import type { FastifyInstance } from 'fastify';
import type { CallUsage } from '../../../contract/api.js';
import type { Ledger } from '../../ledger/index.js';
import { callUsage } from '../../payments/usage.js';
import { readCredentials } from '../credentials.js';

export function usageRoutes(app: FastifyInstance, deps: { ledger: Ledger }): void {
  app.get<{ Params: { requestId: string } }>('/api/v1/usage/:requestId', async (req): Promise<CallUsage> => callUsage(deps.ledger, readCredentials(req), req.params.requestId));
}
