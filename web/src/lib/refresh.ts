// How often pages fetch again what others may change: a fallback beside the live event stream
// (a token's task page refreshes on the events of its task and polls only while the stream is
// down), and how long to wait after a 429 that named no Retry-After.
// No imports: the browser tests read it to move a fake clock on by exactly this much.

/** a task page that is not closed, while its live event stream is not connected (or without a token) */
export const TASK_REFRESH_MS = 30_000;

/** the balance in the header, on any page */
export const BALANCE_REFRESH_MS = 15_000;

/** after a 429 without Retry-After: the AI for Hire limits count requests per minute */
export const RATE_LIMIT_WAIT_MS = 30_000;
