// ApiError: one error type for every failed call, built from the contract's error body.
import type { PaymentRequired } from '../../../contract/error-bodies';
import type { ErrorCode } from '../../../contract/errors';

/** Codes the client makes up itself, beside the server's contract codes. */
export type ClientErrorCode = 'network_error' | 'unexpected_response' | 'http_error';
export type ApiErrorCode = ErrorCode | ClientErrorCode | (string & {});

/** What a 402 carries at the top level, beside `error` (contract/error-bodies.ts); a field not sent is absent. */
export type PaymentChallenge = Partial<Omit<PaymentRequired, 'error'>>;

export interface ApiErrorInit {
  code: ApiErrorCode;
  message: string;
  status: number;
  field?: string;
  balanceSats?: number;
  priceSats?: number;
  /** a refused withdrawal: the largest invoice the balance can pay with its routing-fee reserve */
  maxAmountSats?: number;
  challenge?: PaymentChallenge;
  retryAfterSeconds?: number;
  /** the whole parsed body, for showing upstream errors as they came */
  body?: unknown;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ApiErrorCode;
  /** HTTP status; 0 when no answer arrived */
  readonly status: number;
  readonly field: string | undefined;
  readonly balanceSats: number | undefined;
  readonly priceSats: number | undefined;
  readonly maxAmountSats: number | undefined;
  readonly challenge: PaymentChallenge;
  readonly retryAfterSeconds: number | undefined;
  readonly body: unknown;
  /** when the answer came (ms): a Retry-After counts from here */
  readonly receivedAtMs: number = Date.now();

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.code = init.code;
    this.status = init.status;
    this.field = init.field;
    this.balanceSats = init.balanceSats;
    this.priceSats = init.priceSats;
    this.maxAmountSats = init.maxAmountSats;
    this.challenge = init.challenge ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.body = init.body;
  }
}

export const NETWORK_MESSAGE = 'The server could not be reached — check your connection and retry.';
export const TIMEOUT_MESSAGE = 'The server did not answer in time — check your connection and retry.';

export function networkError(timedOut: boolean): ApiError {
  return new ApiError({ code: 'network_error', message: timedOut ? TIMEOUT_MESSAGE : NETWORK_MESSAGE, status: 0 });
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Any thrown value as an ApiError, so views have one shape to show. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError({ code: 'unexpected_response', message, status: 0 });
}
