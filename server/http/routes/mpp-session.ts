// POST /api/v1/mpp/session: MPP's Lightning session intent. Without a credential: 402 with a
// session challenge (a deposit invoice; `{"deposit_sats": n}` picks its size). With
// `Authorization: Payment <credential>`: open, topUp or close the session (a bearer answers its
// state); each answer carries a Payment-Receipt naming the session. Paid routes take the bearer.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ErrorBodySchema, SessionDepositRequiredSchema } from '../../../contract/error-bodies.js';
import { msatToSats } from '../../../contract/money.js';
import { AppError, invalidL402 } from '../../errors.js';
import { jsonObject } from '../body.js';
import { parsePaymentAuthorization } from '../../mpp/header.js';
import { formatSessionReceipt } from '../../mpp/session.js';
import type { SessionAnswer, Sessions } from '../../payments/sessions.js';
import type { OperationSpec } from '../openapi.js';

export function mppSessionRoutes(app: FastifyInstance, deps: { sessions: Sessions; now: () => number }): void {
  app.post('/api/v1/mpp/session', async (req, reply) => {
    const cred = parsePaymentAuthorization(req.headers.authorization);
    if (cred === null) throw await deps.sessions.challenge(req.ip, depositSats(jsonObject(req, { optional: true }).deposit_sats));
    if ('error' in cred) throw invalidL402(`Bad Payment credential: ${cred.error}.`);
    return writeSessionAnswer(reply, await deps.sessions.act(cred), deps.now());
  });
}

/** A session action's answer, here or at a resource: 200, its Payment-Receipt, never cached (private, as the Payment scheme asks of a receipt). */
export function writeSessionAnswer(reply: FastifyReply, answer: SessionAnswer, now: number): FastifyReply {
  reply.header('cache-control', 'private, no-store');
  reply.header(
    'payment-receipt',
    formatSessionReceipt({
      sessionId: answer.sessionId,
      timestamp: now,
      challengeId: answer.challengeId,
      ...(answer.status === 'closed' ? { refund: { sats: answer.refundSats, status: answer.refundStatus } } : {}),
    }),
  );
  return reply.code(200).type('application/json; charset=utf-8').send(body(answer));
}

function body(a: SessionAnswer): Record<string, unknown> {
  if (a.status === 'closed') return { status: 'closed', sessionId: a.sessionId, refundSats: a.refundSats, refundStatus: a.refundStatus };
  return { status: a.status, sessionId: a.sessionId, balance_sats: msatToSats(a.balanceMsat) };
}

function depositSats(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new AppError('invalid_field_type', 'deposit_sats must be a number.', { field: 'deposit_sats' });
  return v;
}

const SessionOpenSchema = z.object({ status: z.enum(['open', 'ok']), sessionId: z.string(), balance_sats: z.number().int() });
const SessionClosedSchema = z.object({ status: z.literal('closed'), sessionId: z.string(), refundSats: z.number().int(), refundStatus: z.enum(['succeeded', 'failed', 'skipped', 'pending']) });

export function mppSessionOperations(): OperationSpec[] {
  return [
    {
      method: 'post',
      path: '/api/v1/mpp/session',
      summary:
        'MPP Lightning session: without Authorization, 402 with a session challenge (a deposit invoice; body {deposit_sats}); with "Authorization: Payment" open (preimage, zero-amount returnInvoice), topUp, close (the rest paid to the return invoice) or bearer (the state). Answers carry Payment-Receipt.',
      tags: ['mpp'],
      auth: 'paid',
      body: z.object({ deposit_sats: z.number().int().optional() }),
      responses: { 200: z.union([SessionOpenSchema, SessionClosedSchema]), 400: ErrorBodySchema, 401: ErrorBodySchema, 402: SessionDepositRequiredSchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
    },
  ];
}
