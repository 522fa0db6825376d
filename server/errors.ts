// Typed errors carrying a contract code; server/http/errors.ts maps them to HTTP in one place.
import { ERROR_STATUS, type ErrorCode } from '../contract/errors.js';

export interface ErrorDetails {
  field?: string;
  balance_sats?: number;
  price_sats?: number;
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    /** fields a client must act on, placed beside `error` (invoice, macaroon, token...) */
    readonly topLevel: Record<string, unknown> = {},
    /** extra response headers (WWW-Authenticate, Retry-After) */
    readonly headers: Record<string, string | string[]> = {},
    /** only where the contract gives one code two statuses (invalid_payment: 401 on L402) */
    readonly status: number = ERROR_STATUS[code],
  ) {
    super(message);
  }
}

/** A bad L402 credential: invalid_payment, answered 401 as the contract says. */
export const invalidL402 = (message: string): AppError => new AppError('invalid_payment', message, {}, {}, {}, 401);

export const notFound = (what = 'not found'): AppError => new AppError('not_found', what);
