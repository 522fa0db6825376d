// Typed errors carrying a contract code; server/http/errors.ts maps them to HTTP in one place.
import type { ErrorCode } from '../contract/errors.js';

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
  ) {
    super(message);
  }
}

export const notFound = (what = 'not found'): AppError => new AppError('not_found', what);
