import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { RATE_LIMIT_WAIT_MS } from './refresh';
import { isRateLimited, retryAtMs, secondsUntil } from './rateLimit';

const limited = (retryAfterSeconds?: number) =>
  new ApiError({ code: 'rate_limited', message: 'Too many requests', status: 429, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });

describe('retryAtMs', () => {
  it('waits for the Retry-After a 429 names', () => {
    expect(retryAtMs(limited(13), 1_000_000)).toBe(1_013_000);
  });

  it('waits a default without Retry-After, and at least a second', () => {
    expect(retryAtMs(limited(), 0)).toBe(RATE_LIMIT_WAIT_MS);
    expect(retryAtMs(limited(0), 0)).toBe(1000);
  });

  it('does not hold back after any other error', () => {
    expect(retryAtMs(new ApiError({ code: 'not_found', message: 'No task', status: 404 }), 0)).toBeNull();
    expect(retryAtMs(undefined, 0)).toBeNull();
    expect(isRateLimited(new ApiError({ code: 'unexpected_response', message: 'x', status: 429 }))).toBe(true);
  });
});

describe('secondsUntil', () => {
  it('rounds up and never goes below zero', () => {
    expect(secondsUntil(13_000, 0)).toBe(13);
    expect(secondsUntil(13_000, 12_500)).toBe(1);
    expect(secondsUntil(13_000, 14_000)).toBe(0);
  });
});
