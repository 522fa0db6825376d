// Accepting a quote: ONE transaction locks the task, compare-and-sets the quote pending →
// accepted (checking the price the buyer saw) and the task open → awarded, declines the other
// quotes and moves the price from the buyer's balance into escrow. Any failure changes nothing.
import { accountOf } from './accounts.js';
import type { HireDeps } from './deps.js';
import { forbidden, invalidState, notFound } from './errors.js';
import { holdEscrow } from './escrow.js';
import { declinePendingQuotes, findQuote, moveQuote } from './quotes-store.js';
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
  const buyer = await accountOf(db, token);
  const task = await findTask(db, ids.taskId);
  if (!task) throw notFound('No task has this id.');
  const quote = await findQuote(db, ids.taskId, ids.quoteId);
  if (!quote) throw notFound('No quote has this id on this task.');
  if (task.buyer_account_id !== buyer.id) throw forbidden('Only the task’s buyer can accept a quote.');

  const debit = { accountId: buyer.id, amountMsat: quote.price_msat, what: 'Accepting this quote' };
  return withFunds(db, debit, () =>
    inTx(db, async (q) => {
      const now = deps.now();
      // Every accept of this task queues here; the losers then see it awarded.
      const locked = await lockTask(q, ids.taskId, 'UPDATE');
      if (!locked || locked.status !== 'open') throw invalidState(`The task is ${locked?.status ?? 'gone'}; a quote can only be accepted while it is open.`);
      const accepted = await moveQuote(q, { id: ids.quoteId, to: 'accepted', now });
      if (!accepted) throw invalidState('This quote is no longer pending.');
      if (expectedPriceMsat !== null && accepted.price_msat !== expectedPriceMsat) {
        throw invalidState(`The quote's price is now ${accepted.price_msat / 1000n} sats, not the ${expectedPriceMsat / 1000n} sats expected; nothing was accepted.`);
      }
      const awarded = await markAwarded(q, {
        id: ids.taskId,
        quoteId: accepted.id,
        contractorAccountId: accepted.contractor_account_id,
        escrowMsat: accepted.price_msat,
        now,
        deliveryDueAt: now + deps.rules.deliverySeconds,
      });
      if (!awarded) throw invalidState('The task expired before a quote was accepted.');
      await declinePendingQuotes(q, [ids.taskId], now);
      // the debit: a balance below the price fails the CHECK and rolls all of the above back
      await holdEscrow(q, sys, { taskId: ids.taskId, buyerAccountId: buyer.id, amountMsat: accepted.price_msat });
      return awarded;
    }),
  );
}
