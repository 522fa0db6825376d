// AI for Hire answers in the exact shapes of contract/hire-views.ts, for unit tests.
import type { Me, Milestone, MyQuote, Quote, TaskDetail } from '../../../contract/hire-views';

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

export function milestoneFixture(over: Partial<Milestone> = {}): Milestone {
  return { index: 0, title: 'm', amount_sats: 100, deadline_seconds: null, acceptance: null, status: 'pending', ...over };
}

type AcceptedStatus = 'awarded' | 'delivered' | 'revision_requested' | 'disputed' | 'completed' | 'refunded' | 'split';

/** As the server derives it (server/hire/milestones.ts): the task's status is the current milestone's. */
function milestoneStatusOf(status: AcceptedStatus, current: number, index: number): Milestone['status'] {
  if (status === 'completed' || index < current) return 'released';
  if (status === 'refunded' || status === 'split') return status;
  if (index > current) return 'pending';
  return status === 'awarded' ? 'in_work' : status;
}

/** An accepted task of 120 + 80 sats working on milestone `current`, the ones before it released. */
export function milestoneTaskFixture(status: AcceptedStatus, current: 0 | 1, over: Partial<TaskDetail> = {}): TaskDetail {
  return taskFixture({
    status,
    budget_sats: 200,
    price_sats: 200,
    expires_at: null,
    accepted_quote_id: 'q1',
    milestones: [120, 80].map((amount_sats, index) => milestoneFixture({ index, title: `part ${index + 1}`, amount_sats, status: milestoneStatusOf(status, current, index) })),
    current_milestone: current,
    released_sats: current === 1 ? 120 : 0,
    quotes: [quoteFixture({ price_sats: 200, status: 'accepted' })],
    ...over,
  });
}

export function myQuoteFixture(over: Partial<MyQuote> = {}): MyQuote {
  return { ...quoteFixture(), task_title: 't', task_status: 'open', ...over };
}

export function meFixture(over: Partial<Me> = {}): Me {
  return { balance_sats: 0, balance_msat: 0, tasks: [], quotes: [], unread_messages: 0, unread_threads: [], ...over };
}
