// After the award: the contractor delivers, the buyer confirms (escrow → contractor), asks
// for a revision (capped) or disputes; the contractor may dispute a delivery too. Each step is
// a compare-and-set on the task's status; only confirm (or a passing machine check) moves money.
import type { AppError } from '../errors.js';
import type { Queryable } from '../store/index.js';
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import { failedCheck } from './acceptance.js';
import { forbidden, invalidField, invalidState, notFound } from './errors.js';
import { taskEvent } from './events.js';
import { currentAcceptance } from './milestones.js';
import { releaseDelivery } from './release.js';
import { insertMessage } from './messages-store.js';
import { findTask, markDelivered, markDisputed, markRevisionRequested, type TaskRow } from './tasks-store.js';
import { inTx } from './tx.js';
import { roleOf, type Role } from './views.js';

/** The task and the caller's role in it, if that role is one of `allowed`. */
async function taskFor(deps: HireDeps, token: string, taskId: string, allowed: readonly Role[], action: string) {
  const db = deps.db;
  const account = await accountOf(db, token, deps.now());
  const task = await findTask(db, taskId);
  if (!task) throw notFound('No task has this id.');
  const role = roleOf(task, account.id);
  if (role === null || !allowed.includes(role)) throw forbidden(`Only the task’s ${allowed.join(' or ')} can ${action}.`);
  return { task, accountId: account.id };
}

/** Why a compare-and-set found the task in another state, read as it is now. */
async function refusal(q: Queryable, taskId: string, now: number, action: string, maxRevisions?: number): Promise<AppError> {
  const task = (await findTask(q, taskId))!;
  const due = (v: bigint | null) => v !== null && Number(v) <= now;
  if (task.status === 'delivered' && due(task.review_due_at)) {
    return invalidState(`The review deadline passed; the delivery is released to the contractor, so it can no longer ${action}.`);
  }
  if ((task.status === 'awarded' || task.status === 'revision_requested') && due(task.delivery_due_at)) {
    return invalidState('The delivery deadline passed; the escrow is refunded to the buyer.');
  }
  if (task.status === 'delivered' && maxRevisions !== undefined && task.revisions_used >= maxRevisions) {
    return invalidState(`All ${maxRevisions} revisions were used; confirm or dispute the delivery.`);
  }
  return invalidState(`The task is ${task.status}; it cannot ${action} now.`);
}

/**
 * awarded | revision_requested → delivered. With an acceptance check on the current milestone
 * (or the task), a failing body is refused with the reason and changes nothing; a passing one is
 * released in the same transaction.
 */
export async function deliver(deps: HireDeps, token: string, taskId: string, body: string): Promise<TaskRow> {
  const { accountId } = await taskFor(deps, token, taskId, ['contractor'], 'deliver');
  return inTx(deps.db, async (q) => {
    const now = deps.now();
    const delivered = await markDelivered(q, { id: taskId, now, reviewDueAt: now + deps.rules.reviewSeconds });
    if (!delivered) throw await refusal(q, taskId, now, 'be delivered');
    const check = currentAcceptance(delivered);
    const failure = check === null ? null : failedCheck(check, body);
    if (failure !== null) throw invalidField('body', failure);
    await insertMessage(q, { quoteId: delivered.accepted_quote_id!, senderAccountId: accountId, kind: 'delivery', body, now });
    await taskEvent(q, delivered, 'task.delivered', now);
    if (check === null) return delivered;
    // the row is ours since markDelivered: the release cannot lose a race here
    return (await releaseDelivery(deps, q, { task: delivered, outcome: 'acceptance_check', now }))!;
  });
}

export async function requestRevision(deps: HireDeps, token: string, taskId: string, body: string | null): Promise<TaskRow> {
  const { accountId } = await taskFor(deps, token, taskId, ['buyer'], 'request a revision');
  const max = deps.rules.maxRevisions;
  return inTx(deps.db, async (q) => {
    const now = deps.now();
    const moved = await markRevisionRequested(q, { id: taskId, now, deliveryDueAt: now + deps.rules.deliverySeconds, maxRevisions: max });
    if (!moved) throw await refusal(q, taskId, now, 'take a revision request', max);
    if (body !== null) await insertMessage(q, { quoteId: moved.accepted_quote_id!, senderAccountId: accountId, kind: 'revision_request', body, now });
    await taskEvent(q, moved, 'task.revision_requested', now);
    return moved;
  });
}

export async function dispute(deps: HireDeps, token: string, taskId: string, body: string | null): Promise<TaskRow> {
  const { accountId } = await taskFor(deps, token, taskId, ['buyer', 'contractor'], 'dispute it');
  return inTx(deps.db, async (q) => {
    const now = deps.now();
    const disputed = await markDisputed(q, taskId, now);
    if (!disputed) throw await refusal(q, taskId, now, 'be disputed');
    if (body !== null) await insertMessage(q, { quoteId: disputed.accepted_quote_id!, senderAccountId: accountId, kind: 'dispute', body, now });
    await taskEvent(q, disputed, 'task.disputed', now);
    return disputed;
  });
}

/** delivered → the current milestone's amount (or, for the last, the rest of the escrow) goes to the contractor, once. */
export async function confirm(deps: HireDeps, token: string, taskId: string): Promise<TaskRow> {
  await taskFor(deps, token, taskId, ['buyer'], 'confirm the delivery');
  return inTx(deps.db, async (q) => {
    const now = deps.now();
    const task = await findTask(q, taskId);
    const released = task && (await releaseDelivery(deps, q, { task, outcome: 'confirmed', now }));
    if (!released) throw await refusal(q, taskId, now, 'be confirmed');
    return released;
  });
}
