// What the API shows: sats and Unix seconds at the edge. Public views carry no account ids,
// tokens, balances or thread contents; a participant's view adds the delivery and the escrow.
// The shapes are contract/hire-views.ts; a test parses every answer with those strict schemas.
import type { TaskRole } from '../../contract/hire-states.js';
import type { Message, Quote, Task, TaskDetail } from '../../contract/hire-views.js';
import { msatToSats } from '../../contract/money.js';
import type { MessageRow } from './messages-store.js';
import { milestoneViews } from './milestones.js';
import type { QuoteRow } from './quotes-store.js';
import type { TaskRow } from './tasks-store.js';

const seconds = (v: bigint | null): number | null => (v === null ? null : Number(v));
const sats = (v: bigint | null): number | null => (v === null ? null : msatToSats(v));

export type Role = TaskRole;

export function quoteView(row: QuoteRow): Quote {
  return {
    id: row.id,
    task_id: row.task_id,
    contractor_profile: row.contractor_profile,
    price_sats: msatToSats(row.price_msat),
    description: row.description,
    status: row.status,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

/** The task, with what a given answer adds (quote counts, quotes, a participant's fields). */
export function taskView<Extra extends object = object>(row: TaskRow, maxRevisions: number, extra?: Extra): Task & Extra {
  const view: Task = {
    id: row.id,
    buyer_profile: row.buyer_profile,
    title: row.title,
    description: row.description,
    budget_sats: sats(row.budget_msat),
    status: row.status,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    expires_at: row.status === 'open' ? Number(row.expires_at) : null,
    accepted_quote_id: row.accepted_quote_id,
    price_sats: sats(row.escrow_msat),
    delivery_deadline_at: seconds(row.delivery_due_at),
    review_deadline_at: seconds(row.review_due_at),
    delivered_at: seconds(row.delivered_at),
    revisions_used: row.revisions_used,
    max_revisions: maxRevisions,
    outcome: row.outcome,
    acceptance: row.acceptance,
    milestones: milestoneViews(row),
    current_milestone: row.milestones === null ? null : row.current_milestone,
    released_sats: msatToSats(row.released_msat),
  };
  return { ...view, ...(extra as Extra) };
}

export type ParticipantExtras = Required<Pick<TaskDetail, 'role' | 'delivery' | 'contractor_paid_sats' | 'buyer_refunded_sats' | 'rated'>>;

/** The fields only the buyer and the accepted contractor see; `rated`: whether this one rated the task. */
export function participantExtras(row: TaskRow, role: Role, delivery: MessageRow | null, rated: boolean): ParticipantExtras {
  return {
    role,
    delivery: delivery ? { body: delivery.body, created_at: Number(delivery.created_at) } : null,
    contractor_paid_sats: sats(row.contractor_paid_msat),
    buyer_refunded_sats: sats(row.buyer_refunded_msat),
    rated,
  };
}

export function messageView(row: MessageRow, buyerAccountId: bigint): Message {
  return {
    id: Number(row.id),
    quote_id: row.quote_id,
    kind: row.kind,
    sender: row.sender_account_id === buyerAccountId ? 'buyer' : 'contractor',
    body: row.body,
    created_at: Number(row.created_at),
    read: row.read_at !== null,
  };
}

export function roleOf(task: TaskRow, accountId: bigint): Role | null {
  if (task.buyer_account_id === accountId) return 'buyer';
  if (task.contractor_account_id === accountId) return 'contractor';
  return null;
}
