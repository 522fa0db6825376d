// Tasks and quotes: list, show, post (paid), edit, withdraw, accept, cancel.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AcceptQuoteSchema, editQuoteSchema, postQuoteSchema, postTaskSchema } from '../../../contract/hire.js';
import { satsToMsat } from '../../../contract/money.js';
import type { HireService } from '../../hire/index.js';
import * as validate from '../../hire/input-rules.js';
import { readToken, requireToken } from '../auth.js';
import { jsonObject } from '../body.js';
import { readCredentials } from '../credentials.js';
import { writeReceipt } from '../receipt.js';
import type { Receipt } from '../../payments/gate.js';
import { parseWith } from '../parse-with.js';
import { HIRE_PREFIX, ids, listQuery, taskIdOf, type TaskParams } from './hire-input.js';

/** 201 with the created thing, the new token if one was made, and the receipt headers. */
function created<T extends object>(reply: FastifyReply, paid: { value: T; receipt: Receipt; token: string | null }) {
  writeReceipt(reply, paid.receipt);
  return reply.code(201).send(paid.token === null ? paid.value : { ...paid.value, token: paid.token });
}

export function hireTaskRoutes(app: FastifyInstance, hire: HireService): void {
  const maxSats = hire.rules.maxPriceSats;
  const PostTask = postTaskSchema(maxSats);
  const PostQuote = postQuoteSchema(maxSats);
  const EditQuote = editQuoteSchema(maxSats);
  const T = `${HIRE_PREFIX}/tasks`;

  app.get(T, async (req) => hire.listTasks(listQuery(req)));

  app.get<{ Params: TaskParams }>(`${T}/:id`, async (req) => hire.getTask(taskIdOf(req), readToken(req)));

  app.post(T, { config: { hireLimit: 'paid' } }, async (req, reply) => {
    const input = validate.taskInput(parseWith(PostTask, jsonObject(req)), maxSats);
    return created(reply, await hire.postTask(input, readCredentials(req), req.ip));
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/quotes`, { config: { hireLimit: 'paid' } }, async (req, reply) => {
    const taskId = taskIdOf(req);
    const body = parseWith(PostQuote, jsonObject(req));
    const input = { priceMsat: satsToMsat(body.price_sats), description: validate.text(body.description, 'description') };
    return created(reply, await hire.postQuote(taskId, input, readCredentials(req), req.ip));
  });

  app.patch<{ Params: TaskParams }>(`${T}/:id/quotes/:qid`, async (req) => {
    const token = requireToken(req);
    return hire.editQuote(token, ids(req), validate.quotePatch(parseWith(EditQuote, jsonObject(req))));
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/quotes/:qid/withdraw`, async (req) => hire.withdrawQuote(requireToken(req), ids(req)));

  app.post<{ Params: TaskParams }>(`${T}/:id/quotes/:qid/accept`, async (req) => {
    const token = requireToken(req);
    const { expected_price_sats: expectedSats } = parseWith(AcceptQuoteSchema, jsonObject(req, { optional: true }));
    const expected = expectedSats == null ? null : satsToMsat(expectedSats);
    return hire.acceptQuote(token, ids(req), expected);
  });

  app.post<{ Params: TaskParams }>(`${T}/:id/cancel`, async (req) => hire.cancelTask(requireToken(req), taskIdOf(req)));
}
