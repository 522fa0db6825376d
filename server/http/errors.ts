// The one place where errors become HTTP answers: AppError by its contract code, Fastify's
// own errors by theirs, anything else a logged 500 that reveals nothing.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '../../contract/error-bodies.js';
import { ERROR_STATUS, type ErrorCode } from '../../contract/errors.js';
import { AppError } from '../errors.js';
import { formatChallenge } from '../l402/header.js';
import type { RouteShapes } from './route-shapes.js';
import { formatPaymentChallenge } from '../mpp/header.js';
import { formatPaymentRequired } from '../x402/header.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_NOT_FOUND: 'not_found',
};

export function errorBody(err: AppError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...err.details }, ...err.topLevel };
}

export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  const code = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (code) return new AppError(code, code === 'payload_too_large' ? 'The request body is too large.' : fe.message);
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode === 400 && fe.validation) {
    return new AppError('invalid_field_value', fe.message);
  }
  return null;
}

/** The contract's status for the code; invalid_payment from an invoice credential is 401. */
export function errorStatus(err: AppError): number {
  return err.code === 'invalid_payment' && err.data.l402 ? 401 : ERROR_STATUS[err.code];
}

export function errorHeaders(err: AppError): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = {};
  const { retryAfterSeconds, challenge, allow, sessionChallenge } = err.data;
  if (retryAfterSeconds !== undefined) h['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  if (challenge) {
    // LSAT and L402 first by default (Aperture-era clients read only the first line); MPP first on request
    const l402 = formatChallenge(challenge.macaroonB64, challenge.invoice);
    // the session intent before the charge: Alby's fetchWithMpp reads the joined header's last value of each param
    const mpp = [challenge.session, challenge.mpp].flatMap((c) => (c ? [formatPaymentChallenge(c)] : []));
    h['WWW-Authenticate'] = challenge.first === 'mpp' ? [...mpp, ...l402] : [...l402, ...mpp];
    if (challenge.x402) h['PAYMENT-REQUIRED'] = formatPaymentRequired(challenge.x402);
  }
  if (sessionChallenge) h['WWW-Authenticate'] = formatPaymentChallenge(sessionChallenge);
  // the MPP draft: a 402 (its invoice, a balance) is never cached
  if (errorStatus(err) === 402) h['Cache-Control'] = 'no-store';
  if (allow) h['Allow'] = allow.join(', ');
  return h;
}

export function sendError(reply: FastifyReply, err: AppError): FastifyReply {
  for (const [name, value] of Object.entries(errorHeaders(err))) reply.header(name, value);
  return reply.code(errorStatus(err)).type('application/json; charset=utf-8').send(errorBody(err));
}

/** No route answers this method and path (the not-found handler, and a path the router refused as too long). */
export const noRoute = (method: string, path: string): AppError => new AppError('not_found', `No route for ${method} ${path}.`);

/** Refused by Fastify's router before any route or hook ran: a path that does not decode, or a path parameter too long to be anything we know. */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('x-request-id', req.id);
  const path = req.raw.url?.split('?')[0] ?? '';
  if (err.code === 'FST_ERR_BAD_URL') return sendError(reply, new AppError('invalid_field_value', `The path ${path} is not valid percent-encoding.`, { field: 'path' }));
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, noRoute(req.method, path));
  return errorHandler(err, req, reply);
}

/**
 * Node's HTTP parser refused the connection's bytes before any request existed (bad framing, a
 * header too large, headers too slow): answered in the contract's error shape, then closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const refusal: [number, ErrorCode, string, Record<string, string>] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are too large.', {}]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request did not arrive in time.', {}]
        : [400, 'invalid_field_value', 'The request is not valid HTTP (its request line or headers).', { field: 'headers' }];
  const [status, code, message, details] = refusal;
  const body = JSON.stringify({ error: { code, message, ...details } });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The client hung up while its request was still arriving: nothing to answer, and no fault of ours. */
const clientLeft = (err: unknown, req: FastifyRequest): boolean => req.raw.destroyed && ((err as { code?: string }).code === 'ECONNRESET' || (err as Error).message === 'aborted');

/** `shapes`: the server's own routes, for a not_found that is really a method the path does not take. */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply, shapes?: RouteShapes): FastifyReply {
  if (clientLeft(err, req)) {
    req.log.info('the client left before its request arrived whole');
    return sendError(reply, new AppError('invalid_json', 'The request body did not arrive whole.'));
  }
  const known = toAppError(err);
  if (known) {
    if (errorStatus(known) >= 500) req.log.warn({ code: known.code }, known.message);
    const wrongMethod = known.code === 'not_found' ? shapes?.wrongMethod(req.method, req.url.split('?')[0] ?? '') : null;
    return sendError(reply, wrongMethod ?? known);
  }
  req.log.error({ err }, 'unhandled error');
  return sendError(reply, new AppError('internal_error', 'Something broke on our side; nothing was charged. Please retry.'));
}
