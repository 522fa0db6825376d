// AI for Hire answers in the exact shapes of contract/hire-views.ts, for unit tests.
import type { Me, MyQuote, Quote, TaskDetail } from '../../../contract/hire-views';

export const TASK_ID = '6a1f4c84-6a49-4b8e-9d1e-0c1f0b7e6c11';

export function quoteFixture(over: Partial<Quote> = {}): Quote {
  return { id: 'q1', task_id: TASK_ID, contractor_profile: 'prf_' + 'c'.repeat(24), price_sats: 100, description: 'a', status: 'pending', created_at: 1_700_000_000, updated_at: 1_700_000_000, ...over };
}

export function taskFixture(over: Partial<TaskDetail> = {}): TaskDetail {
  return {
    id: TASK_ID,
    buyer_profile: 'prf_' + 'b'.repeat(24),
    title: 't',
    description: 'd',
    budget_sats: null,
    status: 'open',
    created_at: 1_700_000_000,
    updated_at: 1_700_000_000,
    expires_at: 1_700_086_400,
    accepted_quote_id: null,
    price_sats: null,
    delivery_deadline_at: null,
    review_deadline_at: null,
    delivered_at: null,
    revisions_used: 0,
    max_revisions: 3,
    outcome: null,
    acceptance: null,
    milestones: [],
    current_milestone: null,
    released_sats: 0,
    quote_count: 0,
    quotes: [],
    ...over,
  };
}

export function myQuoteFixture(over: Partial<MyQuote> = {}): MyQuote {
  return { ...quoteFixture(), task_title: 't', task_status: 'open', ...over };
}

export function meFixture(over: Partial<Me> = {}): Me {
  return { balance_sats: 0, balance_msat: 0, tasks: [], quotes: [], unread_messages: 0, unread_threads: [], ...over };
}
