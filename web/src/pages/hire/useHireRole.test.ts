import { describe, expect, it } from 'vitest';
import { meFixture, myQuoteFixture, quoteFixture, taskFixture } from '../../testing/hireFixture';
import { hireRole } from './useHireRole';

const task = taskFixture({ quote_count: 1, quotes: [quoteFixture({ id: 'q1' })] });
const { quotes: _quotes, role: _role, ...summary } = task;

describe('hireRole', () => {
  it('knows the buyer by the tasks of /me', () => {
    expect(hireRole(task, meFixture({ tasks: [summary] }))).toEqual({ isBuyer: true, myQuote: undefined });
  });

  it('finds the contractor’s quote by id or by task_id', () => {
    expect(hireRole(task, meFixture({ quotes: [myQuoteFixture({ id: 'q1' })] })).myQuote?.id).toBe('q1');
    const byTask = meFixture({ quotes: [myQuoteFixture({ id: 'q9', task_id: task.id })] });
    expect(hireRole({ ...task, quotes: [] }, byTask).myQuote?.id).toBe('q9');
  });

  it('takes the role the task itself reports', () => {
    expect(hireRole({ ...task, role: 'buyer' }, undefined).isBuyer).toBe(true);
    const awarded = taskFixture({ role: 'contractor', accepted_quote_id: 'q1', quotes: [quoteFixture({ id: 'q1', status: 'accepted' })] });
    expect(hireRole(awarded, undefined).myQuote?.status).toBe('accepted');
  });

  it('is nobody without /me', () => {
    expect(hireRole(task, undefined)).toEqual({ isBuyer: false, myQuote: undefined });
  });
});
