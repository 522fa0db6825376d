// Working on an awarded task: the private messages of a quote, delivery, revision requests,
// disputes, confirmation, and rating the deal once it closed.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HireService } from '../../hire/index.js';
import { requireToken } from '../auth.js';
import { jsonObject } from '../body.js';
import { MessageBodySchema, OptionalNoteSchema, RateTaskSchema } from '../../../contract/hire.js';
import * as validate from '../../hire/input-rules.js';
import { parseWith } from '../parse-with.js';
import { HIRE_PREFIX, afterIdOf, ids, taskIdOf, type TaskParams } from './hire-input.js';

/** An optional note (revision request, dispute): absent, or 1–20,000 characters. */
function optionalNote(req: FastifyRequest): string | null {
  const { body } = parseWith(OptionalNoteSchema, jsonObject(req, { optional: true }));
  return body == null ? null : validate.text(body, 'body');
}

export function hireWorkRoutes(app: FastifyInstance, hire: HireService): void {
  const T = `${HIRE_PREFIX}/tasks`;

  app.post<{ Params: TaskParams }>(`${T}/:id/quotes/:qid/messages`, { config: { hireLimit: 'free-post' } }, async (req, reply) => {
    const token = requireToken(req);
    const { body } = parseWith(MessageBodySchema, jsonObject(req));
    return reply.code(201).send(await hire.postMessage(token, ids(req), validate.text(body, 'body')));
  });

  app.get<{ Params: TaskParams }>(`${T}/:id/quotes/:qid/messages`, async (req) => hire.listMessages(requireToken(req), ids(req), afterIdOf(req)));

  app.post<{ Params: TaskParams }>(`${T}/:id/deliver`, async (req) => {
    const token = requireToken(req);
    return hire.deliver(token, taskIdOf(req), validate.text(parseWith(MessageBodySchema, jsonObject(req)).body, 'body'));
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/request-revision`, async (req) => {
    const token = requireToken(req);
    return hire.requestRevision(token, taskIdOf(req), optionalNote(req));
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/dispute`, async (req) => {
    const token = requireToken(req);
    return hire.dispute(token, taskIdOf(req), optionalNote(req));
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/rating`, { config: { hireLimit: 'free-post' } }, async (req, reply) => {
    const token = requireToken(req);
    return reply.code(201).send(await hire.rateTask(token, taskIdOf(req), validate.ratingInput(parseWith(RateTaskSchema, jsonObject(req)))));
  });

  app.get<{ Params: { id: string } }>(`${HIRE_PREFIX}/profiles/:id`, async (req) => hire.profile(req.params.id));

  app.post<{ Params: TaskParams }>(`${T}/:id/confirm`, async (req) => {
    const token = requireToken(req);
    jsonObject(req, { optional: true }); // a body, if any, must still be JSON
    return hire.confirm(token, taskIdOf(req));
  });
}
