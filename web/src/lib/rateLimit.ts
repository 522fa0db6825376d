// When a refused request may be asked again: a 429 names its wait in Retry-After. Pure: the clock
// comes in as an argument.
import type { ApiError } from '../api/errors';
import { RATE_LIMIT_WAIT_MS } from './refresh';

export const isRateLimited = (error: ApiError | null | undefined): boolean => error?.code === 'rate_limited' || error?.status === 429;

/** The time (ms) before which asking again is pointless, or null when `error` is no 429. */
export function retryAtMs(error: ApiError | null | undefined, nowMs: number): number | null {
  if (!error || !isRateLimited(error)) return null;
  const waitMs = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : RATE_LIMIT_WAIT_MS;
  return nowMs + Math.max(1000, waitMs);
}

/** Whole seconds left until `untilMs`, at least 1 while any remain. */
export const secondsUntil = (untilMs: number, nowMs: number): number => Math.max(0, Math.ceil((untilMs - nowMs) / 1000));
