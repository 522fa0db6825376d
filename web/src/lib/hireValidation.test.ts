import { describe, expect, it } from 'vitest';
import { checkQuote, checkSats, checkTask, hasErrors, TITLE_MAX } from './hireValidation';

describe('AI for Hire form checks', () => {
  it('accepts a task with or without a budget', () => {
    expect(checkTask({ title: 'Translate', description: 'EN to DE', budget: '' }, 10_000)).toEqual({});
    expect(checkTask({ title: 'Translate', description: 'EN to DE', budget: '500' }, 10_000)).toEqual({});
  });

  it('names every problem of a task', () => {
    const errors = checkTask({ title: 'x'.repeat(TITLE_MAX + 1), description: '   ', budget: '1.5' }, 10_000);
    expect(errors.title).toBe('The title is 201 characters; the limit is 200.');
    expect(errors.description).toBe('The description cannot be empty.');
    expect(errors.budget).toBe('The budget is whole sats: digits only.');
    expect(hasErrors(errors)).toBe(true);
  });

  it('keeps quote prices within 1 and the maximum', () => {
    expect(checkQuote({ price: '0', description: 'ok' }, 100).price).toBe('The price is at least 1 sat.');
    expect(checkQuote({ price: '101', description: 'ok' }, 100).price).toBe('The price is at most 100 sats.');
    expect(checkQuote({ price: '', description: 'ok' }, 100).price).toBe('Enter the price in sats.');
    expect(checkSats('100', 'The price', 100)).toBeUndefined();
  });
});
