// Tasks and quotes: list, show, post (paid), edit, withdraw, accept, cancel.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { msatToSats } from '../../../contract/money.js';
import type { HireService } from '../../hire/index.js';
import * as validate from '../../hire/validate.js';
import { readToken, requireToken } from '../auth.js';
import { jsonObject, requiredString } from '../body.js';
import { readCredentials } from '../credentials.js';
import { HIRE_PREFIX, ids, listQuery, optionalText, priceMsat, requiredText, taskIdOf, type TaskParams } from './hire-input.js';

type Paid = { chargedMsat: bigint; balanceMsat: bigint | null; token: string | null };

/** 201 with the created thing, the new token if one was made, and the charge headers. */
function created<T extends object>(reply: FastifyReply, paid: Paid & { value: T }) {
  reply.header('x-charged-sats', String(msatToSats(paid.chargedMsat)));
  if (paid.balanceMsat !== null) reply.header('x-balance-sats', String(msatToSats(paid.balanceMsat)));
  return reply.code(201).send(paid.token === null ? paid.value : { ...paid.value, token: paid.token });
}

export function hireTaskRoutes(app: FastifyInstance, hire: HireService): void {
  const maxSats = hire.rules.maxPriceSats;
  const T = `${HIRE_PREFIX}/tasks`;

  app.get(T, async (req) => hire.listTasks(listQuery(req)));

  app.get<{ Params: TaskParams }>(`${T}/:id`, async (req) => hire.getTask(taskIdOf(req), readToken(req)));

  app.post(T, { config: { hireLimit: 'paid' } }, async (req, reply) => {
    const body = jsonObject(req);
    const input = {
      title: validate.title(requiredString(body, 'title')),
      description: requiredText(body, 'description'),
      budgetMsat: priceMsat(body, 'budget_sats', maxSats, false),
    };
    return created(reply, await hire.postTask(input, readCredentials(req), req.ip));
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/quotes`, { config: { hireLimit: 'paid' } }, async (req, reply) => {
    const taskId = taskIdOf(req);
    const body = jsonObject(req);
    const input = { priceMsat: priceMsat(body, 'price_sats', maxSats, true)!, description: requiredText(body, 'description') };
    return created(reply, await hire.postQuote(taskId, input, readCredentials(req), req.ip));
  });

  app.patch<{ Params: TaskParams }>(`${T}/:id/quotes/:qid`, async (req) => {
    const token = requireToken(req);
    const body = jsonObject(req);
    validate.atLeastOne({ price_sats: body.price_sats ?? undefined, description: body.description ?? undefined });
    const patch = { priceMsat: priceMsat(body, 'price_sats', maxSats, false), description: optionalText(body, 'description') };
    return hire.editQuote(token, ids(req), patch);
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/quotes/:qid/withdraw`, async (req) => hire.withdrawQuote(requireToken(req), ids(req)));

  app.post<{ Params: TaskParams }>(`${T}/:id/quotes/:qid/accept`, async (req) => {
    const token = requireToken(req);
    const expected = priceMsat(jsonObject(req, { optional: true }), 'expected_price_sats', Number.MAX_SAFE_INTEGER, false);
    return hire.acceptQuote(token, ids(req), expected);
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/cancel`, async (req) => hire.cancelTask(requireToken(req), taskIdOf(req)));
}
