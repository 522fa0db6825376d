// The caller's own side of the marketplace: GET /me, and collecting the balance over Lightning.
import type { FastifyInstance } from 'fastify';
import type { HireService } from '../../hire/index.js';
import { requireToken } from '../auth.js';
import { CollectRequestSchema } from '../../../contract/hire.js';
import { jsonObject } from '../body.js';
import { parseWith } from '../parse-with.js';
import { HIRE_PREFIX } from './hire-input.js';

export function hireCollectRoutes(app: FastifyInstance, hire: HireService): void {
  app.get(`${HIRE_PREFIX}/me`, async (req) => hire.me(requireToken(req)));

  app.post(`${HIRE_PREFIX}/collect`, async (req) => {
    const token = requireToken(req);
    return hire.collect(token, parseWith(CollectRequestSchema, jsonObject(req)).invoice);
  });

  app.get<{ Params: { hash: string } }>(`${HIRE_PREFIX}/collect/:hash`, async (req) => hire.payoutStatus(requireToken(req), req.params.hash));
}
