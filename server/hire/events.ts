// The marketplace's events, written beside each state change in its transaction: what happened,
// to which task, for whom (the buyer and the contractor concerned; a new open task is also
// public). The data names the task and never a token or an account id.
import type { HireEventName } from '../../contract/hire-states.js';
import { msatToSats } from '../../contract/money.js';
import type { Queryable } from '../store/index.js';
import { insertEvent } from './events-store.js';
import type { QuoteRow } from './quotes-store.js';
import type { TaskRow } from './tasks-store.js';

const sats = (v: bigint | null) => (v === null ? null : msatToSats(v));

/** A task's event for its buyer and (once awarded) its contractor. */
export async function taskEvent(q: Queryable, task: TaskRow, name: HireEventName, now: number, extra: Record<string, unknown> = {}): Promise<void> {
  const audience = task.contractor_account_id === null ? [task.buyer_account_id] : [task.buyer_account_id, task.contractor_account_id];
  const data = {
    task_id: task.id,
    status: task.status,
    ...(task.milestones === null ? {} : { current_milestone: task.current_milestone, milestones: task.milestones.length }),
    released_sats: msatToSats(task.released_msat),
    ...extra,
  };
  await insertEvent(q, { name, taskId: task.id, audience, data, now });
}

/** A quote's event for the task's buyer and the quote's contractor. */
export async function quoteEvent(q: Queryable, quote: QuoteRow, buyerAccountId: bigint, name: HireEventName, now: number): Promise<void> {
  const data = { task_id: quote.task_id, quote_id: quote.id, status: quote.status, price_sats: msatToSats(quote.price_msat), contractor_profile: quote.contractor_profile };
  await insertEvent(q, { name, taskId: quote.task_id, audience: [buyerAccountId, quote.contractor_account_id], data, now });
}

/** Why a pending quote was declined, as its event says. */
export type DeclineReason = 'another_quote_accepted' | 'task_cancelled' | 'task_expired';

/** Quotes that lost (another was accepted, or the task closed): each told to its contractor alone. */
export async function quotesDeclinedEvents(q: Queryable, quotes: readonly QuoteRow[], reason: DeclineReason, now: number): Promise<void> {
  for (const quote of quotes) {
    const data = { task_id: quote.task_id, quote_id: quote.id, status: quote.status, price_sats: msatToSats(quote.price_msat), contractor_profile: quote.contractor_profile, reason };
    await insertEvent(q, { name: 'quote.declined', taskId: quote.task_id, audience: [quote.contractor_account_id], data, now });
  }
}

/** A new open task: public, so that contractors watching for work hear of it. */
export async function taskCreatedEvent(q: Queryable, task: TaskRow, now: number): Promise<void> {
  const data = { task_id: task.id, title: task.title, budget_sats: sats(task.budget_msat), buyer_profile: task.buyer_profile, milestones: task.milestones?.length ?? 0 };
  await insertEvent(q, { name: 'task.created', taskId: task.id, audience: [task.buyer_account_id], public: true, data, now });
}

/** An open task left the open list (awarded, cancelled, expired): public, like its announcement. */
export async function taskLeftOpenEvent(q: Queryable, task: TaskRow, now: number): Promise<void> {
  const data = { task_id: task.id, title: task.title, status: task.status, buyer_profile: task.buyer_profile };
  await insertEvent(q, { name: 'task.left_open', taskId: task.id, audience: [], public: true, data, now });
}

export async function payoutEvent(q: Queryable, p: { accountId: bigint; paymentHash: string; amountMsat: bigint; ok: boolean; now: number }): Promise<void> {
  // a failed payout paid nothing: the amount it was for is `amount_sats`
  const data = { task_id: null, payment_hash: p.paymentHash, amount_sats: msatToSats(p.amountMsat), paid_sats: p.ok ? msatToSats(p.amountMsat) : 0 };
  await insertEvent(q, { name: p.ok ? 'payout.completed' : 'payout.failed', taskId: null, audience: [p.accountId], data, now: p.now });
}
