import { describe, expect, it } from 'vitest';
import type { Me, Task } from '../../api/types';
import { hireRole } from './useHireRole';

const task: Task = { id: 7, title: 't', description: 'd', status: 'open', quotes: [{ id: 'q1', price_sats: 100, description: 'a', status: 'pending' }] };

describe('hireRole', () => {
  it('knows the buyer by the tasks of /me, ids compared as text', () => {
    const me: Me = { balance_sats: 0, tasks: [{ ...task, id: '7' }], quotes: [] };
    expect(hireRole(task, me)).toEqual({ isBuyer: true, myQuote: undefined });
  });

  it('finds the contractor’s quote by id or by task_id', () => {
    const byId: Me = { balance_sats: 0, tasks: [], quotes: [{ id: 'q1', price_sats: 100, description: 'a', status: 'pending' }] };
    expect(hireRole(task, byId).myQuote?.id).toBe('q1');
    const byTask: Me = { balance_sats: 0, tasks: [], quotes: [{ id: 'q9', task_id: 7, price_sats: 5, description: 'b', status: 'pending' }] };
    expect(hireRole({ ...task, quotes: [] }, byTask).myQuote?.id).toBe('q9');
  });

  it('takes the role the task itself reports', () => {
    expect(hireRole({ ...task, role: 'buyer' }, undefined).isBuyer).toBe(true);
    const awarded: Task = { ...task, role: 'contractor', accepted_quote_id: 'q1', quotes: [{ id: 'q1', price_sats: 100, description: 'a', status: 'accepted' }] };
    expect(hireRole(awarded, undefined).myQuote?.status).toBe('accepted');
  });

  it('is nobody without /me', () => {
    expect(hireRole(task, undefined)).toEqual({ isBuyer: false, myQuote: undefined });
  });
});
