// Accepting a quote: ONE transaction locks the task, compare-and-sets the quote pending →
// accepted, checks the price it was accepted at against what the buyer agreed to, compare-and-
// sets the task open → awarded, declines the other quotes and moves the price from the buyer's
// balance into escrow. Any failure changes nothing.
//
// What the buyer agreed to: with `expected_price_sats`, exactly that price. Without it, on a task
// with a budget, any price up to the budget; on a task without one, the lowest price the quote
// has ever offered (a raise must be named). The price checked is the one the compare-and-set
// returned: an edit of the quote either committed before it (and is seen) or finds the quote no
// longer pending, so no edit slips in between the check and the escrow.
import { AppError } from '../errors.js';
import { msatToSats } from '../../contract/money.js';
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import { forbidden, invalidState, notFound } from './errors.js';
import { holdEscrow } from './escrow.js';
import { quoteEvent, quotesDeclinedEvents, taskLeftOpenEvent } from './events.js';
import { deliverySecondsOf } from './milestones.js';
import { declinePendingQuotes, findQuote, moveQuote, type QuoteRow } from './quotes-store.js';
import { findTask, lockTask, markAwarded, type TaskRow } from './tasks-store.js';
import { inTx, withFunds } from './tx.js';

export async function acceptQuote(
  deps: HireDeps,
  token: string,
  ids: { taskId: string; quoteId: string },
  expectedPriceMsat: bigint | null,
): Promise<TaskRow> {
  const { db } = deps;
  const { sys } = deps.ledger;
  const buyer = await accountOf(db, token, deps.now());
  const task = await findTask(db, ids.taskId);
  if (!task) throw notFound('No task has this id.');
  const quote = await findQuote(db, ids.taskId, ids.quoteId);
  if (!quote) throw notFound('No quote has this id on this task.');
  if (task.buyer_account_id !== buyer.id) throw forbidden('Only the task’s buyer can accept a quote.');

  // the price is re-read in the transaction; a 402 names the one that was refused
  const debit = { accountId: buyer.id, amountMsat: quote.price_msat, what: 'Accepting this quote', now: deps.now() };
  return withFunds(db, debit, () =>
    inTx(db, async (q) => {
      const now = deps.now();
      // Every accept of this task queues here; the losers then see it awarded.
      const locked = await lockTask(q, ids.taskId, 'UPDATE');
      if (!locked || locked.status !== 'open') throw invalidState(`The task is ${locked?.status ?? 'gone'}; a quote can only be accepted while it is open.`);
      const accepted = await moveQuote(q, { id: ids.quoteId, to: 'accepted', now });
      if (!accepted) throw invalidState('This quote is no longer pending.');
      debit.amountMsat = accepted.price_msat;
      assertAgreedPrice(locked, accepted, expectedPriceMsat);
      const awarded = await markAwarded(q, {
        id: ids.taskId,
        quoteId: accepted.id,
        contractorAccountId: accepted.contractor_account_id,
        escrowMsat: accepted.price_msat,
        now,
        deliveryDueAt: now + deliverySecondsOf(locked, 0, deps.rules.deliverySeconds),
      });
      if (!awarded) throw invalidState('The task expired before a quote was accepted.');
      const declined = await declinePendingQuotes(q, [ids.taskId], now);
      // the debit: a balance below the price fails the CHECK and rolls all of the above back
      await holdEscrow(q, sys, { taskId: ids.taskId, buyerAccountId: buyer.id, amountMsat: accepted.price_msat, now: deps.now() });
      await quoteEvent(q, accepted, buyer.id, 'quote.accepted', now);
      await quotesDeclinedEvents(q, declined, 'another_quote_accepted', now);
      await taskLeftOpenEvent(q, awarded, now);
      return awarded;
    }),
  );
}

/** 409 invalid_state (with the current `price_sats`) unless the buyer agreed to this price. */
function assertAgreedPrice(task: TaskRow, quote: QuoteRow, expectedPriceMsat: bigint | null): void {
  const price = quote.price_msat;
  const sats = msatToSats(price);
  const refuse = (why: string) =>
    new AppError('invalid_state', `${why} Nothing was accepted; to pay ${sats} sats, accept again with "expected_price_sats": ${sats}.`, { price_sats: sats });
  if (expectedPriceMsat !== null) {
    if (price !== expectedPriceMsat) throw refuse(`The quote's price is now ${sats} sats, not the ${msatToSats(expectedPriceMsat)} sats expected.`);
    return;
  }
  if (task.budget_msat !== null) {
    if (price > task.budget_msat) throw refuse(`The quote's price, ${sats} sats, is above the task's budget of ${msatToSats(task.budget_msat)} sats.`);
    return;
  }
  if (quote.lowest_price_msat !== null && price > quote.lowest_price_msat) {
    throw refuse(`The quote's price was raised to ${sats} sats after it offered ${msatToSats(quote.lowest_price_msat)} sats, and the task has no budget.`);
  }
}
