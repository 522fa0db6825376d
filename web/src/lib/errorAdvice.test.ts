import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { messageInWords, nextStep, rateLimitText, retryHelps } from './errorAdvice';

const err = (code: string, status: number, over: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) => new ApiError({ code, message: 'm', status, ...over });

describe('the next step, in the app’s words', () => {
  it('names the field instead of pointing at `field`', () => {
    expect(nextStep(err('invalid_field_value', 400, { field: 'budget_sats' }))).toBe('Correct “budget_sats”, then send it again.');
    expect(nextStep(err('missing_required_field', 400, { field: 'title' }))).toBe('Fill in “title”, then send it again.');
    expect(nextStep(err('invalid_field_type', 400))).toBe('Correct the value, then send it again.');
    for (const code of ['invalid_field_value', 'missing_required_field', 'invalid_field_type']) expect(nextStep(err(code, 400, { field: 'body' }))).not.toMatch(/`|named in/);
  });

  it('says nothing more after a 429: its message says when', () => {
    expect(nextStep(err('rate_limited', 429, { retryAfterSeconds: 13 }))).toBeUndefined();
  });
});

describe('a stale accept, in the app’s words', () => {
  it('says the new price, not the JSON field to send it in', () => {
    const stale = err('invalid_state', 409, { message: 'The quote\'s price is now 25 sats, not the 20 sats expected. Nothing was accepted; to pay 25 sats, accept again with "expected_price_sats": 25.', priceSats: 25 });
    expect(messageInWords(stale)).toBe('The price changed to 25 sats; accept again at the new price.');
    expect(nextStep(stale)).toBe('Nothing was taken from your balance.');
    expect(messageInWords(err('invalid_state', 409, { message: 'This quote is no longer pending.' }))).toBe('This quote is no longer pending.');
  });
});

describe('retryHelps', () => {
  it('offers a retry where the same request can succeed', () => {
    expect([0, 500, 502, 503, 408, 409].map((s) => retryHelps(err('x', s)))).toEqual([true, true, true, true, true, true]);
  });

  it('offers none after a 404, a refusal or a 429', () => {
    expect([400, 401, 402, 403, 404, 413, 429].map((s) => retryHelps(err('x', s)))).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('rateLimitText', () => {
  it('says the wait once, counting down from when the 429 came', () => {
    const e = err('rate_limited', 429, { message: 'Too many requests: at most 60 a minute. Retry in 13 s.', retryAfterSeconds: 13 });
    expect(rateLimitText(e, e.receivedAtMs)).toBe('Too many requests — try again in 13 s.');
    expect(rateLimitText(e, e.receivedAtMs + 12_500)).toBe('Too many requests — try again in 1 s.');
    expect(rateLimitText(e, e.receivedAtMs + 13_000)).toBe('Too many requests — you can try again now.');
  });

  it('keeps the server’s reason when it is another', () => {
    const e = err('rate_limited', 429, { message: 'Too many failed authentications from this address. Retry in 30 s.', retryAfterSeconds: 30 });
    expect(rateLimitText(e, e.receivedAtMs)).toBe('Too many failed authentications from this address — try again in 30 s.');
  });
});
