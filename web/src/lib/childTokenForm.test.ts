import { describe, expect, it } from 'vitest';
import type { ChildToken } from '../api/childTokens';
import { ApiError } from '../api/errors';
import { AI_FOR_HIRE_CHOICE, apisText, childName, checkChildToken, childApiChoices, childState, childTokenRefusal, expiryText, isChildToken, localDateTimeToUnix, spentTodayText, type ChildTokenInput } from './childTokenForm';

const NOW = Math.floor(new Date(2026, 11, 4, 23, 0).getTime() / 1000);
const ctx = { now: NOW, balanceSats: 1_000, knownApis: ['openai', 'anthropic'] };
const input = (over: Partial<ChildTokenInput> = {}): ChildTokenInput => ({ amount: '', expires: '', dailyCap: '', apis: [], ...over });

describe('the child-token form', () => {
  it('sends only the amount when nothing else is set', () => {
    expect(checkChildToken(input({ amount: '250' }), ctx)).toEqual({ ok: true, body: { amount_sats: 250 } });
    expect(checkChildToken(input({ amount: ' 1,000 ' }), ctx)).toEqual({ ok: true, body: { amount_sats: 1_000 } });
  });

  it('sends the expiry as Unix seconds, the daily cap and the APIs ticked', () => {
    const check = checkChildToken(input({ amount: '100', expires: '2026-12-31T18:30', dailyCap: '20', apis: ['openai', 'openai'] }), ctx);
    expect(check).toEqual({
      ok: true,
      body: { amount_sats: 100, expires_at: Math.floor(new Date(2026, 11, 31, 18, 30).getTime() / 1000), max_sats_per_day: 20, apis: ['openai'] },
    });
  });

  it('asks for an amount in whole sats, at least 1', () => {
    expect(checkChildToken(input(), ctx)).toEqual({ ok: false, errors: { amount: 'Enter the sats to move to the child token.' } });
    expect(checkChildToken(input({ amount: '1.5' }), ctx)).toEqual({ ok: false, errors: { amount: 'Use whole sats for the amount: digits only, no decimals.' } });
    expect(checkChildToken(input({ amount: '0' }), ctx)).toEqual({ ok: false, errors: { amount: 'The amount is at least 1 sat.' } });
    expect(checkChildToken(input({ amount: '-5' }), ctx)).toMatchObject({ ok: false, errors: { amount: expect.stringContaining('whole sats') } });
  });

  it('refuses more than the token holds, with both figures', () => {
    expect(checkChildToken(input({ amount: '1200' }), ctx)).toEqual({
      ok: false,
      errors: { amount: 'This token holds 1,000 sats: it cannot give 1,200 sats. Top up, or give less.' },
    });
    // the balance not read yet: the server decides
    expect(checkChildToken(input({ amount: '1200' }), { ...ctx, balanceSats: undefined })).toMatchObject({ ok: true });
  });

  it('refuses an expiry in the past or not a time, a cap that is not whole sats, an API not in the catalog — all at once', () => {
    const check = checkChildToken(input({ amount: '10', expires: '2026-12-04T22:00', dailyCap: 'lots', apis: ['weather'] }), ctx);
    expect(check).toEqual({
      ok: false,
      errors: {
        expires: 'Choose a time at least a minute from now.',
        dailyCap: 'Use whole sats for the daily cap: digits only, no decimals.',
        apis: 'Not in the catalog: weather.',
      },
    });
    expect(checkChildToken(input({ amount: '10', expires: '2026-02-30T10:00' }), ctx)).toMatchObject({ ok: false, errors: { expires: expect.stringContaining('Choose a date') } });
    expect(checkChildToken(input({ amount: '10', dailyCap: '0' }), ctx)).toMatchObject({ ok: false, errors: { dailyCap: 'The daily cap is at least 1 sat.' } });
  });

  it('offers AI for Hire beside the catalog APIs, once the catalog is read, and sends its API name', () => {
    expect(childApiChoices(undefined)).toEqual([]);
    const choices = childApiChoices([{ name: 'openai', title: 'OpenAI' }, { name: 'anthropic', title: 'Anthropic' }]);
    expect(choices).toEqual([{ name: 'openai', title: 'OpenAI' }, { name: 'anthropic', title: 'Anthropic' }, { name: 'ai-for-hire', title: 'AI for Hire' }]);
    expect(childApiChoices([AI_FOR_HIRE_CHOICE])).toEqual([AI_FOR_HIRE_CHOICE]);
    const check = checkChildToken(input({ amount: '10', apis: ['ai-for-hire'] }), { ...ctx, knownApis: choices.map((c) => c.name) });
    expect(check).toEqual({ ok: true, body: { amount_sats: 10, apis: ['ai-for-hire'] } });
  });

  it('reads a datetime-local value as local time', () => {
    expect(localDateTimeToUnix('2026-12-31T18:30')).toBe(Math.floor(new Date(2026, 11, 31, 18, 30).getTime() / 1000));
    expect(localDateTimeToUnix('2026-12-31')).toBeNull();
  });
});

describe('the server’s refusals in words', () => {
  const err = (code: string, extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}): ApiError => new ApiError({ code, message: `msg ${code}`, status: 400, ...extra });

  it('says an insufficient balance with what the token holds and what was asked', () => {
    expect(childTokenRefusal(err('insufficient_balance', { status: 402, balanceSats: 40 }), 250)).toEqual({
      kind: 'notice',
      title: 'Not enough sats on this token',
      message: 'This token holds 40 sats: it cannot give 250 sats to a child token. Top up, or give less.',
    });
    // no figure in the answer: the balance the page read
    expect(childTokenRefusal(err('insufficient_balance', { status: 402 }), 250, 1)).toMatchObject({ message: 'This token holds 1 sat: it cannot give 250 sats to a child token. Top up, or give less.' });
  });

  it('puts a field the server refused under that field', () => {
    expect(childTokenRefusal(err('invalid_field_value', { field: 'max_sats_per_day' }), 1)).toEqual({ kind: 'field', field: 'dailyCap', message: 'msg invalid_field_value' });
    expect(childTokenRefusal(err('invalid_field_value', { field: 'expires_at' }), 1)).toMatchObject({ field: 'expires' });
    expect(childTokenRefusal(err('invalid_field_value', { field: 'apis' }), 1)).toMatchObject({ field: 'apis' });
    expect(childTokenRefusal(err('invalid_field_value', { field: 'something_else' }), 1)).toEqual({ kind: 'error' });
  });

  it('explains that a child cannot mint; anything else is shown as it came', () => {
    expect(childTokenRefusal(err('forbidden', { status: 403 }), 1)).toMatchObject({ kind: 'notice', title: 'A child token cannot make tokens' });
    expect(childTokenRefusal(err('invalid_token', { status: 401 }), 1)).toEqual({ kind: 'error' });
  });
});

describe('a child in words', () => {
  const child: ChildToken = { id: 'ct_1', balance_sats: 80, balance_msat: 80_500, expires_at: null, max_sats_per_day: 50, apis: null, spent_today_sats: 12, spent_today_msat: 11_099, revoked: false, created_at: NOW - 60 };

  it('tells active, expired and revoked apart', () => {
    expect(childState(child, NOW)).toBe('active');
    expect(childState({ ...child, expires_at: NOW }, NOW)).toBe('expired');
    expect(childState({ ...child, expires_at: NOW + 1 }, NOW)).toBe('active');
    expect(childState({ ...child, revoked: true }, NOW)).toBe('revoked');
  });

  it('says the day’s spend against its cap and its APIs', () => {
    // to the msat, as the balance is said beside it: 11.099, not the whole sats rounded up (12)
    expect(spentTodayText(child)).toBe('11.099 of 50 sats today');
    expect(spentTodayText({ ...child, max_sats_per_day: null, spent_today_sats: 1, spent_today_msat: 99 })).toBe('0.099 sats today (no daily cap)');
    expect(spentTodayText({ ...child, max_sats_per_day: null, spent_today_sats: 1, spent_today_msat: 1000 })).toBe('1 sat today (no daily cap)');
    expect(apisText(child)).toBe('every API');
    expect(apisText({ apis: ['openai', 'anthropic'] })).toBe('openai, anthropic');
  });

  it('names a child by when it was made and its short id, not by its number alone', () => {
    expect(childName(child)).toMatch(/^the child token made .+ \(no\. ct_1\)$/);
  });

  it('says any expiry the API can answer, never "Invalid Date"', () => {
    expect(expiryText(null)).toBe('never');
    expect(expiryText(NOW)).toBe(new Date(NOW * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
    expect(expiryText(253_402_300_799)).toMatch(/9999|10000/); // 9999-12-31T23:59:59Z, shown in local time
    for (const far of [253_402_300_800, 8_640_000_000_000, 8_640_000_000_001, 99_999_999_999_999, Number.MAX_SAFE_INTEGER]) {
      expect(expiryText(far)).toBe('after the year 9999 (in effect never)');
    }
  });
});

describe('isChildToken', () => {
  it('reads the 403 GET /api/v1/tokens answers a child token, and nothing else', () => {
    expect(isChildToken(new ApiError({ code: 'forbidden', message: 'A child token has no child tokens of its own', status: 403 }))).toBe(true);
    expect(isChildToken(new ApiError({ code: 'not_found', message: 'No such route', status: 404 }))).toBe(false);
    expect(isChildToken(undefined)).toBe(false);
  });
});
