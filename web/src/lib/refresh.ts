// How often pages fetch again what others may change: a fallback beside the live event stream
// (a token's task page also reloads at once on an event of its task).
// No imports: the browser tests read it to move a fake clock on by exactly this much.

/** a task page that is not closed: a new quote, the award, a delivery, a dispute */
export const TASK_REFRESH_MS = 5_000;

/** the balance in the header, on any page */
export const BALANCE_REFRESH_MS = 15_000;
