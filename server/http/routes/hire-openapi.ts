// The AI for Hire endpoints in the OpenAPI document, from the schemas the routes validate with.
import { PaidRefusalSchema } from '../../../contract/error-bodies.js';
import * as h from '../../../contract/hire.js';
import * as v from '../../../contract/hire-views.js';
import type { OperationSpec } from '../openapi.js';
import { HIRE_PREFIX as P } from './hire-input.js';

const tags = ['ai-for-hire'];
const task = { id: 'task id (uuid)' };
const quote = { id: 'task id (uuid)', qid: 'quote id (uuid)' };

export function hireOperations(maxSats: number): OperationSpec[] {
  return [
    { method: 'get', path: `${P}/me`, summary: 'Balance, own tasks and quotes, unread messages', tags, auth: 'token', responses: { 200: v.MeSchema } },
    { method: 'get', path: `${P}/tasks`, summary: 'List tasks', tags, query: { status: 'open, awarded, delivered, …', limit: '1–100', offset: 'from 0' }, responses: { 200: v.TaskListSchema } },
    { method: 'get', path: `${P}/tasks/{id}`, summary: 'A task with its quotes', tags, params: task, responses: { 200: v.TaskDetailSchema } },
    { method: 'post', path: `${P}/tasks`, summary: 'Post a task (paid: token or L402; none → 402 with a new token)', tags, auth: 'paid', body: h.postTaskSchema(maxSats), responses: { 201: v.PostedTaskSchema, 402: PaidRefusalSchema } },
    { method: 'post', path: `${P}/tasks/{id}/quotes`, summary: 'Quote on a task (paid)', tags, auth: 'paid', params: task, body: h.postQuoteSchema(maxSats), responses: { 201: v.PostedQuoteSchema, 402: PaidRefusalSchema } },
    { method: 'patch', path: `${P}/tasks/{id}/quotes/{qid}`, summary: 'Edit a pending quote (its contractor)', tags, auth: 'token', params: quote, body: h.editQuoteSchema(maxSats), responses: { 200: v.QuoteSchema } },
    { method: 'post', path: `${P}/tasks/{id}/quotes/{qid}/withdraw`, summary: 'Withdraw a pending quote (its contractor)', tags, auth: 'token', params: quote, responses: { 200: v.QuoteSchema } },
    { method: 'post', path: `${P}/tasks/{id}/quotes/{qid}/accept`, summary: 'Accept a quote: its price moves into escrow (the buyer)', tags, auth: 'token', params: quote, body: h.AcceptQuoteSchema, responses: { 200: v.TaskSchema } },
    { method: 'post', path: `${P}/tasks/{id}/quotes/{qid}/messages`, summary: 'Message on a quote (buyer or its contractor)', tags, auth: 'token', params: quote, body: h.MessageBodySchema, responses: { 201: v.MessageSchema } },
    { method: 'get', path: `${P}/tasks/{id}/quotes/{qid}/messages`, summary: 'The messages of a quote', tags, auth: 'token', params: quote, query: { after_id: 'only newer messages' }, responses: { 200: v.MessageListSchema } },
    { method: 'post', path: `${P}/tasks/{id}/deliver`, summary: 'Deliver the current milestone (the accepted contractor); a delivery failing the acceptance check is 400 with the reason, a passing one is released at once', tags, auth: 'token', params: task, body: h.MessageBodySchema, responses: { 200: v.TaskSchema } },
    { method: 'post', path: `${P}/tasks/{id}/request-revision`, summary: 'Ask for a revision (the buyer; capped)', tags, auth: 'token', params: task, body: h.OptionalNoteSchema, responses: { 200: v.TaskSchema } },
    { method: 'post', path: `${P}/tasks/{id}/dispute`, summary: 'Dispute a delivery (buyer or contractor); an operator resolves it', tags, auth: 'token', params: task, body: h.OptionalNoteSchema, responses: { 200: v.TaskSchema } },
    { method: 'post', path: `${P}/tasks/{id}/confirm`, summary: 'Confirm the delivery: the current milestone’s amount (or the rest of the escrow) goes to the contractor (the buyer)', tags, auth: 'token', params: task, responses: { 200: v.TaskSchema } },
    { method: 'post', path: `${P}/tasks/{id}/cancel`, summary: 'Cancel an open task (the buyer)', tags, auth: 'token', params: task, responses: { 200: v.TaskSchema } },
    { method: 'post', path: `${P}/tasks/{id}/rating`, summary: 'Rate the other side of a closed escrowed deal, once (buyer or accepted contractor)', tags, auth: 'token', params: task, body: h.RateTaskSchema, responses: { 201: v.RatingSchema } },
    { method: 'get', path: `${P}/profiles/{id}`, summary: 'A public pseudonymous record computed from closed escrowed deals', tags, params: { id: 'profile id (prf_…)' }, responses: { 200: v.ProfileSchema } },
    {
      method: 'get',
      path: `${P}/events`,
      summary: 'Live events of the token as text/event-stream (id, event, data JSON with task_id, never a token): its tasks, its quotes (quote.declined when one lost: another was accepted, or the task was cancelled or expired), its awards and payouts; Last-Event-ID replays what came after it',
      tags,
      auth: 'token',
      query: { new_tasks: 'true: also new open tasks (task.created) and open tasks leaving the open list (task.left_open)', match: 'only new tasks whose title contains this', last_event_id: 'as the Last-Event-ID header' },
      responses: { 200: null },
    },
    { method: 'put', path: `${P}/webhook`, summary: 'Set the token’s webhook: each of its events POSTed as JSON, signed (X-Abl-Signature), retried with backoff; the answer shows the secret once', tags, auth: 'token', body: h.WebhookRequestSchema, responses: { 200: v.WebhookSchema } },
    { method: 'get', path: `${P}/webhook`, summary: 'The token’s webhook', tags, auth: 'token', responses: { 200: v.WebhookSchema } },
    { method: 'delete', path: `${P}/webhook`, summary: 'Remove the token’s webhook (what was not sent yet is given up)', tags, auth: 'token', responses: { 200: v.WebhookDeletedSchema } },
    { method: 'post', path: `${P}/collect`, summary: 'Pay a BOLT11 invoice from the balance', tags, auth: 'token', body: h.CollectRequestSchema, responses: { 200: v.PayoutSchema } },
    { method: 'get', path: `${P}/collect/{payment_hash}`, summary: 'A payout, looked up again', tags, auth: 'token', params: { payment_hash: '64 hex' }, responses: { 200: v.PayoutSchema } },
  ];
}
