// Posting and changing offers: tasks (paid), quotes (paid), quote edits and withdrawals, and a
// buyer cancelling an open task. Nothing here touches escrow.
import { randomUUID } from 'node:crypto';
import { getBalance } from '../ledger/index.js';
import type { Credentials, Receipt } from '../payments/gate.js';
import type { Queryable } from '../store/index.js';
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import type { Acceptance } from '../../contract/hire.js';
import { msatToSats } from '../../contract/money.js';
import { forbidden, invalidField, invalidState, notFound } from './errors.js';
import { milestoneTotalMsat, type StoredMilestone } from './milestones.js';
import { ensureProfile } from './profiles-store.js';
import { quoteEvent, quotesDeclinedEvents, taskCreatedEvent, taskEvent, taskLeftOpenEvent } from './events.js';
import { resolveFeePayer, takeFee, type FeeAction, type FeePayer } from './fees.js';
import { declinePendingQuotes, findQuote, insertQuote, moveQuote, updatePendingQuote, type QuoteRow } from './quotes-store.js';
import { findTask, insertTask, lockTask, markCancelled, type TaskRow } from './tasks-store.js';
import { inTx, withFunds } from './tx.js';

export const TASKS_PATH = '/api/v1/ai-for-hire/tasks';

export interface Paid<T> {
  value: T;
  /** the fee and, when a token named the account, its balance after it */
  receipt: Receipt;
  /** a new account's token (L402 without X-Token), shown once */
  token: string | null;
}

/** Runs a fee-paying transaction; a token too poor for the fee is 402 insufficient_balance. */
async function paying<T>(deps: HireDeps, action: FeeAction, payer: FeePayer, ref: string, create: (accountId: bigint, q: Queryable) => Promise<T>): Promise<Paid<T>> {
  const db = deps.db;
  const run = () =>
    inTx(db, async (q) => {
      const fee = await takeFee(q, deps, action, payer, ref);
      const value = await create(fee.accountId, q);
      const named = payer.kind === 'token' || payer.accountId !== null;
      const receipt: Receipt = {
        kind: payer.kind,
        chargedMsat: action.priceMsat,
        balanceMsat: named ? await getBalance(q, fee.accountId) : null,
        ...(payer.kind === 'l402' ? { payment: payer.reference } : {}),
      };
      return { value, receipt, token: fee.newToken };
    });
  if (payer.kind !== 'token') return run();
  return withFunds(db, { accountId: payer.accountId, amountMsat: action.priceMsat, what: action.description, now: deps.now() }, run);
}

export interface TaskInput {
  title: string;
  description: string;
  budgetMsat: bigint | null;
  /** checked already (input-rules.ts milestones); the budget is then their sum */
  milestones?: StoredMilestone[] | null;
  acceptance?: Acceptance | null;
}

export async function postTask(deps: HireDeps, input: TaskInput, creds: Credentials, client: string): Promise<Paid<TaskRow>> {
  const action: FeeAction = { endpoint: `POST ${TASKS_PATH}`, priceMsat: deps.rules.postTaskMsat, description: 'Posting a task', journalKind: 'hire_post_fee' };
  const payer = await resolveFeePayer(deps, action, creds, client);
  const id = randomUUID();
  const now = deps.now();
  return paying(deps, action, payer, id, async (buyerAccountId, q) => {
    const buyerProfile = await ensureProfile(q, buyerAccountId);
    const fields = { ...input, milestones: input.milestones ?? null, acceptance: input.acceptance ?? null };
    const created = await insertTask(q, { id, buyerAccountId, ...fields, buyerProfile, now, expiresAt: now + deps.rules.openTaskTtlSeconds });
    await taskCreatedEvent(q, created, now);
    return created;
  });
}

export interface QuoteInput {
  priceMsat: bigint;
  description: string;
}

export async function postQuote(deps: HireDeps, taskId: string, input: QuoteInput, creds: Credentials, client: string): Promise<Paid<QuoteRow>> {
  const db = deps.db;
  const task = await findTask(db, taskId);
  if (!task) throw notFound('No task has this id.');
  // Refused before any invoice or charge: a closed task, or the buyer quoting on their own task.
  if (!openAt(task, deps.now())) throw invalidState(`${notOpen(task, deps.now())} Only open tasks take quotes.`);
  if (creds.token !== null && (await accountOf(db, creds.token, deps.now())).id === task.buyer_account_id) throw forbidden('A buyer cannot quote on their own task.');
  assertMilestonePrice(task, input.priceMsat);

  const action: FeeAction = { endpoint: `POST ${TASKS_PATH}/${taskId}/quotes`, priceMsat: deps.rules.quoteMsat, description: 'Quoting on a task', journalKind: 'hire_quote_fee' };
  const payer = await resolveFeePayer(deps, action, creds, client);
  const id = randomUUID();
  return paying(deps, action, payer, id, async (contractorAccountId, q) => {
    // A share lock on the task: an accept (FOR UPDATE) cannot slip between this check and the insert.
    const locked = await lockTask(q, taskId, 'SHARE');
    const now = deps.now();
    if (!locked || locked.status !== 'open' || Number(locked.expires_at) <= now) throw invalidState('The task is no longer open.');
    if (locked.buyer_account_id === contractorAccountId) throw forbidden('A buyer cannot quote on their own task.');
    const quote = await insertQuote(q, { id, taskId, contractorAccountId, ...input, now, contractorProfile: await ensureProfile(q, contractorAccountId) });
    await quoteEvent(q, quote, locked.buyer_account_id, 'quote.created', now);
    return quote;
  });
}

/** A task paid in milestones is fixed-price: a quote offers exactly their sum. */
function assertMilestonePrice(task: TaskRow, priceMsat: bigint | null): void {
  if (task.milestones === null || priceMsat === null) return;
  const total = milestoneTotalMsat(task.milestones);
  if (priceMsat !== total) throw invalidField('price_sats', `This task is paid in ${task.milestones.length} milestones totalling ${msatToSats(total)} sats; a quote offers exactly that.`);
}

/** The quote, if the caller is its contractor: 404 for an unknown quote, 403 for anyone else. */
async function ownQuote(deps: HireDeps, token: string, taskId: string, quoteId: string): Promise<QuoteRow> {
  const db = deps.db;
  const account = await accountOf(db, token, deps.now());
  const quote = await findQuote(db, taskId, quoteId);
  if (!quote) throw notFound('No quote has this id on this task.');
  if (quote.contractor_account_id !== account.id) throw forbidden('Only the contractor who made this quote can change it.');
  return quote;
}

export async function editQuote(
  deps: HireDeps,
  token: string,
  ids: { taskId: string; quoteId: string },
  patch: { priceMsat: bigint | null; description: string | null },
): Promise<QuoteRow> {
  const quote = await ownQuote(deps, token, ids.taskId, ids.quoteId);
  const task = (await findTask(deps.db, ids.taskId))!;
  assertMilestonePrice(task, patch.priceMsat);
  return inTx(deps.db, async (q) => {
    // the task's open time is a sharp line, as for a new quote (a task closed meanwhile has declined the quote: refused below)
    const now = deps.now();
    if (quote.status === 'pending' && !openAt(task, now)) throw invalidState(`${notOpen(task, now)} Only a quote on an open task can be changed.`);
    const updated = await updatePendingQuote(q, { id: quote.id, ...patch, now });
    if (!updated) throw invalidState('Only a pending quote can be edited.');
    await quoteEvent(q, updated, task.buyer_account_id, 'quote.updated', now);
    return updated;
  });
}

export async function withdrawQuote(deps: HireDeps, token: string, ids: { taskId: string; quoteId: string }): Promise<QuoteRow> {
  const quote = await ownQuote(deps, token, ids.taskId, ids.quoteId);
  const task = (await findTask(deps.db, ids.taskId))!;
  return inTx(deps.db, async (q) => {
    const now = deps.now();
    const withdrawn = await moveQuote(q, { id: quote.id, to: 'withdrawn', now });
    if (!withdrawn) throw invalidState('Only a pending quote can be withdrawn.');
    await quoteEvent(q, withdrawn, task.buyer_account_id, 'quote.updated', now);
    return withdrawn;
  });
}

/** open → cancelled by its buyer; pending quotes are declined. The posting fee is not refunded. */
export async function cancelTask(deps: HireDeps, token: string, taskId: string): Promise<TaskRow> {
  const db = deps.db;
  const account = await accountOf(db, token, deps.now());
  const task = await findTask(db, taskId);
  if (!task) throw notFound('No task has this id.');
  if (task.buyer_account_id !== account.id) throw forbidden('Only the buyer can cancel this task.');
  return inTx(db, async (q) => {
    const now = deps.now();
    const cancelled = await markCancelled(q, taskId, now);
    if (!cancelled) throw invalidState(`${notOpen((await findTask(q, taskId)) ?? task, now)} Only an open task can be cancelled.`);
    const declined = await declinePendingQuotes(q, [taskId], now);
    await taskEvent(q, cancelled, 'task.cancelled', now);
    await quotesDeclinedEvents(q, declined, 'task_cancelled', now);
    await taskLeftOpenEvent(q, cancelled, now);
    return cancelled;
  });
}

/** Open, and its time to live not yet run out (the sweep expires it from then on). */
const openAt = (task: TaskRow, now: number): boolean => task.status === 'open' && Number(task.expires_at) > now;

/** Why a task is not open, in a sentence. */
function notOpen(task: TaskRow, now: number): string {
  return task.status === 'open' && Number(task.expires_at) <= now ? 'The task expired.' : `The task is ${task.status}.`;
}

