// The AI for Hire state names, shared by the server (database values, compare-and-sets) and the
// web app (filters, badges). Plain lists without zod, so the web app imports them without a schema library.

/** Task statuses in lifecycle order (the web app's filter lists them so). */
export const TASK_STATUSES = ['open', 'awarded', 'delivered', 'revision_requested', 'disputed', 'completed', 'cancelled', 'expired', 'refunded', 'split'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const QUOTE_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

/** Why a closed escrow went where it went. */
export const TASK_OUTCOMES = ['confirmed', 'acceptance_check', 'review_deadline', 'delivery_deadline', 'admin_release', 'admin_refund', 'admin_split'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** The two sides of a task: its buyer and the contractor of a quote. */
export const TASK_ROLES = ['buyer', 'contractor'] as const;
export type TaskRole = (typeof TASK_ROLES)[number];

export const MESSAGE_KINDS = ['message', 'delivery', 'revision_request', 'dispute'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const PAYOUT_STATES = ['pending', 'succeeded', 'failed'] as const;
export type PayoutState = (typeof PAYOUT_STATES)[number];

/** Where one milestone stands: released ones were paid; the current one follows its task. */
export const MILESTONE_STATUSES = ['pending', 'in_work', 'delivered', 'revision_requested', 'disputed', 'released', 'refunded', 'split', 'cancelled'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/** What GET /events streams (the SSE `event:` field) and webhooks post (`event`). */
export const HIRE_EVENTS = [
  'task.created', 'quote.created', 'quote.updated', 'quote.accepted', 'quote.declined', 'message.created', 'task.delivered', 'milestone.released',
  'task.revision_requested', 'task.disputed', 'task.completed', 'task.refunded', 'task.resolved', 'task.cancelled', 'task.expired', 'task.left_open',
  'payout.completed', 'payout.failed',
] as const;
export type HireEventName = (typeof HIRE_EVENTS)[number];
