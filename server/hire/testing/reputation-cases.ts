// Deal-bound reputation, called directly (run by domain.test.ts on PGlite and PostgreSQL): no
// rating without a funded, closed deal; once each side; the record counts closed deals only.
import { beforeAll, expect, it } from 'vitest';
import { refused } from './lifecycle-cases.js';
import type { HireTest } from './rig.js';

const byToken = (token: string) => ({ token, l402: null });

export function reputationCases(get: () => HireTest): void {
  let t: HireTest;
  beforeAll(() => {
    t = get();
  });

  async function deal(buyer: string, contractor: string, sats: number) {
    const taskId = (await t.hire.postTask({ title: 'job', description: 'do it', budgetMsat: null }, byToken(buyer), 'ip')).value.id;
    const quote = (await t.hire.postQuote(taskId, { priceMsat: BigInt(sats) * 1000n, description: 'ok' }, byToken(contractor), 'ip')).value;
    return { taskId, quoteId: quote.id, quote };
  }

  it('refuses a rating without a funded, closed deal, from anyone but its two sides, and twice', async () => {
    const buyer = await t.fund(2000);
    const contractor = await t.fund(100);
    const rival = await t.fund(100);
    const stranger = await t.fund(10);
    const { taskId, quoteId } = await deal(buyer, contractor, 100);
    await t.hire.postQuote(taskId, { priceMsat: 90_000n, description: 'me too' }, byToken(rival), 'ip');
    const rate = (token: string, stars = 5) => t.hire.rateTask(token, taskId, { stars, comment: null });

    await refused(rate(buyer), 'invalid_state'); // open: nothing funded
    await refused(rate(contractor), 'forbidden'); // not (yet) the accepted contractor
    await t.hire.acceptQuote(buyer, { taskId, quoteId }, null);
    await refused(rate(buyer), 'invalid_state'); // funded, not closed
    await refused(rate(contractor), 'invalid_state');
    await t.hire.deliver(contractor, taskId, 'done');
    await refused(rate(buyer), 'invalid_state');
    await t.hire.confirm(buyer, taskId);
    await refused(rate(stranger), 'forbidden');
    await refused(rate(rival), 'forbidden'); // quoted, but the deal was not theirs

    const given = await rate(buyer, 4);
    expect(given).toMatchObject({ task_id: taskId, as: 'buyer', stars: 4, amount_sats: 100 });
    await refused(rate(buyer, 1), 'invalid_state');
    expect(await rate(contractor, 5)).toMatchObject({ as: 'contractor', rated_profile: (await t.hire.getTask(taskId, null)).buyer_profile });
    await refused(rate(contractor), 'invalid_state');

    // a cancelled task never had escrow: its buyer cannot rate anyone
    const cancelled = await deal(buyer, contractor, 50);
    await t.hire.cancelTask(buyer, cancelled.taskId);
    await refused(t.hire.rateTask(buyer, cancelled.taskId, { stars: 1, comment: null }), 'invalid_state');
    await refused(t.hire.rateTask(contractor, cancelled.taskId, { stars: 1, comment: null }), 'forbidden');
  });

  it('computes a profile from closed deals only, ratings weighted by the amount', async () => {
    const buyer = await t.fund(5000);
    const contractor = await t.fund(100);
    const small = await deal(buyer, contractor, 100);
    const big = await deal(buyer, contractor, 300);
    const open = await deal(buyer, contractor, 700);
    const refundedDeal = await deal(buyer, contractor, 200);
    const profileId = small.quote.contractor_profile;
    expect(profileId).toMatch(/^prf_[0-9a-f]{24}$/);
    expect(profileId).not.toContain(contractor.slice(4, 12));

    for (const [d, after] of [[small, 30], [big, 90]] as const) {
      await t.hire.acceptQuote(buyer, d, null);
      t.clock.now += after;
      await t.hire.deliver(contractor, d.taskId, 'done');
      await t.hire.confirm(buyer, d.taskId);
    }
    await t.hire.acceptQuote(buyer, open, null); // funded but not closed: not in the record
    await t.hire.acceptQuote(buyer, refundedDeal, null);
    await t.hire.deliver(contractor, refundedDeal.taskId, 'meh');
    await t.hire.dispute(buyer, refundedDeal.taskId, 'no');
    await t.hire.resolveDispute(refundedDeal.taskId, { kind: 'refund' });

    await t.hire.rateTask(buyer, small.taskId, { stars: 5, comment: 'great' });
    await t.hire.rateTask(buyer, big.taskId, { stars: 1, comment: null });
    await t.hire.rateTask(buyer, refundedDeal.taskId, { stars: 2, comment: null });
    await t.hire.rateTask(contractor, big.taskId, { stars: 5, comment: null });

    const record = await t.hire.profile(profileId);
    expect(record).toEqual({
      id: profileId,
      deals: 3,
      completed: 2,
      disputed: 1,
      refunded: 1,
      dispute_rate: 0.333,
      refund_rate: 0.333,
      sats_earned: 400,
      sats_paid: 0,
      median_delivery_seconds: 30, // of 30, 90 and 0 seconds
      // (5×100 + 1×300 + 2×200) / 600
      ratings: { count: 3, mean: 2, mean_unweighted: 2.67 },
    });
    const buyerRecord = await t.hire.profile((await t.hire.getTask(small.taskId, null)).buyer_profile);
    expect(buyerRecord).toMatchObject({ deals: 3, completed: 2, sats_paid: 400, sats_earned: 0, median_delivery_seconds: null, ratings: { count: 1, mean: 5 } });
    await refused(t.hire.profile('prf_' + '0'.repeat(24)), 'not_found');
    await refused(t.hire.profile(contractor), 'not_found');
  });
}
