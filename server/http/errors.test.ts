// What the error handler logs: a fault of ours is an error; a client that hung up while its
// request was still arriving is not (a slow client would otherwise fill the error log).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import { errorHandler, errorHeaders } from './errors.js';

function fakes(destroyed: boolean) {
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    header: () => reply,
    code: (status: number) => ((sent.status = status), reply),
    type: () => reply,
    send: (body: unknown) => ((sent.body = body), reply),
  };
  return { req: { raw: { destroyed }, log } as unknown as FastifyRequest, reply: reply as unknown as FastifyReply, log, sent };
}

describe('the error handler', () => {
  it('a client that left mid-body is told nothing went wrong on our side, and logged as information', () => {
    const f = fakes(true);
    errorHandler(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), f.req, f.reply);
    expect(f.log.error).not.toHaveBeenCalled();
    expect(f.log.info).toHaveBeenCalledTimes(1);
    expect(f.sent.status).toBe(400);
  });

  it('anything else unknown is a logged 500 that reveals nothing', () => {
    const f = fakes(false);
    errorHandler(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), f.req, f.reply);
    expect(f.log.error).toHaveBeenCalledTimes(1);
    expect(f.sent).toEqual({ status: 500, body: { error: { code: 'internal_error', message: expect.not.stringContaining('ECONNRESET') } } });
  });
});

describe('the headers of an error', () => {
  it('every 402 says no-store (the MPP draft): a challenge without a session, and a balance too short', () => {
    const hireFee = new AppError('payment_required', 'pay', {}, {}, { challenge: { macaroonB64: 'AgE=', invoice: 'lnbcrt1', first: 'l402' } });
    expect(errorHeaders(hireFee)['Cache-Control']).toBe('no-store');
    expect(errorHeaders(new AppError('insufficient_balance', 'short', { balance_sats: 1, price_sats: 2 }))['Cache-Control']).toBe('no-store');
    expect(errorHeaders(new AppError('invalid_field_value', 'bad'))['Cache-Control']).toBeUndefined();
  });
});
