// The marketplace's state machine and money rules, called directly (run by domain.test.ts on
// PGlite and PostgreSQL).
import { beforeAll, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { getBalance, hashToken, findAccountByTokenHash } from '../../ledger/index.js';
import type { HireTest } from './rig.js';

const none = { token: null, l402: null };
const byToken = (token: string) => ({ token, l402: null });
const task = { title: 'Summarise a PDF', description: 'Ten bullet points, please.', budgetMsat: 500_000n };
const quote = (sats: number) => ({ priceMsat: BigInt(sats) * 1000n, description: `I can do it for ${sats}` });

export async function refused(p: Promise<unknown>, code: string, field?: string): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  if (field) expect((err as AppError).details.field).toBe(field);
  return err as AppError;
}

export function lifecycleCases(get: () => HireTest): void {
  let t: HireTest;
  const sats = async (token: string) => Number((await getBalance(t.store.db, (await findAccountByTokenHash(t.store.db, hashToken(token)))!.id)) / 1000n);
  const audit = async () => expect((await t.ledger.audit()).problems).toEqual([]);

  beforeAll(() => {
    t = get(); // opened by the enclosing suite's beforeAll, which runs first
  });

  /** a task by a fresh buyer with `buyerSats`, and one quote by a fresh contractor */
  async function quoted(buyerSats = 1000, price = 300) {
    const buyer = await t.fund(buyerSats);
    const contractor = await t.fund(100);
    const posted = await t.hire.postTask(task, byToken(buyer), 'ip');
    const q = await t.hire.postQuote(posted.value.id, quote(price), byToken(contractor), 'ip');
    return { buyer, contractor, taskId: posted.value.id, quoteId: q.value.id };
  }

  it('runs the whole lifecycle and pays the contractor once', async () => {
    const buyer = await t.fund(1000);
    const contractor = await t.fund(100);
    const rival = await t.fund(100);
    const posted = await t.hire.postTask(task, byToken(buyer), 'ip');
    expect(posted.value).toMatchObject({ status: 'open', title: task.title, budget_sats: 500, quote_count: 0 });
    expect(posted).toMatchObject({ receipt: { chargedMsat: 50_000n, balanceMsat: 950_000n }, token: null });
    const taskId = posted.value.id;

    const q = await t.hire.postQuote(taskId, quote(300), byToken(contractor), 'ip');
    const other = await t.hire.postQuote(taskId, quote(200), byToken(rival), 'ip');
    expect(q.value).toMatchObject({ status: 'pending', price_sats: 300, task_id: taskId });
    expect(await sats(contractor)).toBe(90);
    const edited = await t.hire.editQuote(contractor, { taskId, quoteId: q.value.id }, { priceMsat: 250_000n, description: null });
    expect(edited).toMatchObject({ price_sats: 250, description: q.value.description });

    const ids = { taskId, quoteId: q.value.id };
    await t.hire.postMessage(buyer, ids, 'Can you start today?');
    expect((await t.hire.me(contractor)).unread_messages).toBe(1);
    const thread = await t.hire.listMessages(contractor, ids, 0n);
    expect(thread.messages).toMatchObject([{ body: 'Can you start today?', sender: 'buyer', kind: 'message' }]);
    expect((await t.hire.me(contractor)).unread_messages).toBe(0);
    await t.hire.postMessage(contractor, ids, 'Yes.');
    expect((await t.hire.me(buyer)).unread_threads).toEqual([{ task_id: taskId, quote_id: q.value.id, unread: 1 }]);

    const awarded = await t.hire.acceptQuote(buyer, ids, 250_000n);
    expect(awarded).toMatchObject({ status: 'awarded', accepted_quote_id: q.value.id, price_sats: 250, delivery_deadline_at: t.clock.now + 1000 });
    expect(await sats(buyer)).toBe(700);
    const shown = await t.hire.getTask(taskId, null);
    expect(Object.fromEntries(shown.quotes!.map((x) => [x.id, x.status]))).toEqual({ [q.value.id]: 'accepted', [other.value.id]: 'declined' });

    await t.hire.deliver(contractor, taskId, 'First draft');
    await t.hire.requestRevision(buyer, taskId, 'Shorter, please');
    t.clock.now += 10;
    const redelivered = await t.hire.deliver(contractor, taskId, 'Second draft');
    expect(redelivered).toMatchObject({ status: 'delivered', revisions_used: 1, review_deadline_at: t.clock.now + 500 });

    expect(await t.hire.getTask(taskId, buyer)).toMatchObject({ role: 'buyer', delivery: { body: 'Second draft' } });
    const publicView = await t.hire.getTask(taskId, null);
    expect(publicView).not.toHaveProperty('delivery');
    expect(JSON.stringify(publicView)).not.toMatch(/abl_|account|balance|Can you start/);

    const done = await t.hire.confirm(buyer, taskId);
    expect(done).toMatchObject({ status: 'completed', outcome: 'confirmed' });
    expect(await sats(contractor)).toBe(90 + 250);
    await refused(t.hire.confirm(buyer, taskId), 'invalid_state');
    expect(await sats(contractor)).toBe(340);
    const me = await t.hire.me(contractor);
    expect(me.quotes).toMatchObject([{ id: q.value.id, status: 'accepted', task_title: task.title, task_status: 'completed' }]);
    await audit();
  });

  it('lets only the right party act, and names unknown things not found', async () => {
    const { buyer, contractor, taskId, quoteId } = await quoted();
    const stranger = await t.fund(100);
    const ids = { taskId, quoteId };
    await refused(t.hire.postQuote(taskId, quote(5), byToken(buyer), 'ip'), 'forbidden');
    await refused(t.hire.acceptQuote(stranger, ids, null), 'forbidden');
    await refused(t.hire.acceptQuote(contractor, ids, null), 'forbidden');
    await refused(t.hire.editQuote(stranger, ids, { priceMsat: 1000n, description: null }), 'forbidden');
    await refused(t.hire.editQuote(buyer, ids, { priceMsat: 1000n, description: null }), 'forbidden');
    await refused(t.hire.withdrawQuote(buyer, ids), 'forbidden');
    await refused(t.hire.cancelTask(contractor, taskId), 'forbidden');
    await refused(t.hire.postMessage(stranger, ids, 'hi'), 'forbidden');
    await refused(t.hire.listMessages(stranger, ids, 0n), 'forbidden');

    const elsewhere = await quoted();
    await refused(t.hire.acceptQuote(buyer, { taskId, quoteId: elsewhere.quoteId }, null), 'not_found');
    await refused(t.hire.listMessages(buyer, { taskId, quoteId: elsewhere.quoteId }, 0n), 'not_found');
    await refused(t.hire.getTask('6a1f4c84-6a49-4b8e-9d1e-0c1f0b7e6c11', null), 'not_found');
    await refused(t.hire.me('abl_' + 'x'.repeat(32)), 'invalid_token');

    await t.hire.acceptQuote(buyer, ids, null);
    await refused(t.hire.deliver(buyer, taskId, 'x'), 'forbidden');
    await refused(t.hire.deliver(stranger, taskId, 'x'), 'forbidden');
    await t.hire.deliver(contractor, taskId, 'done');
    await refused(t.hire.confirm(contractor, taskId), 'forbidden');
    await refused(t.hire.requestRevision(contractor, taskId, null), 'forbidden');
    await refused(t.hire.dispute(stranger, taskId, null), 'forbidden');
    expect(await t.hire.getTask(taskId, contractor)).toMatchObject({ role: 'contractor', delivery: { body: 'done' } });
    expect(await t.hire.getTask(taskId, stranger)).not.toHaveProperty('role');
    await audit();
  });

  it('refuses actions in the wrong state with invalid_state and moves nothing', async () => {
    const { buyer, contractor, taskId, quoteId } = await quoted();
    const ids = { taskId, quoteId };
    await refused(t.hire.confirm(buyer, taskId), 'invalid_state'); // nothing delivered yet
    await t.hire.acceptQuote(buyer, ids, null);
    await refused(t.hire.acceptQuote(buyer, ids, null), 'invalid_state');
    await refused(t.hire.editQuote(contractor, ids, { priceMsat: 1000n, description: null }), 'invalid_state');
    await refused(t.hire.withdrawQuote(contractor, ids), 'invalid_state');
    await refused(t.hire.confirm(buyer, taskId), 'invalid_state');
    await refused(t.hire.cancelTask(buyer, taskId), 'invalid_state');
    await refused(t.hire.dispute(buyer, taskId, null), 'invalid_state');
    const late = await t.fund(100);
    await refused(t.hire.postQuote(taskId, quote(5), byToken(late), 'ip'), 'invalid_state');
    expect(await sats(late)).toBe(100); // refused before any charge
    expect(await sats(buyer)).toBe(1000 - 50 - 300);
    await audit();
  });

  it('accept without the funds, or at a changed price, changes nothing', async () => {
    const { buyer, contractor, taskId, quoteId } = await quoted(300, 260);
    const ids = { taskId, quoteId };
    const err = await refused(t.hire.acceptQuote(buyer, ids, null), 'insufficient_balance');
    expect(err.details).toEqual({ balance_sats: 250, price_sats: 260 });
    await t.hire.editQuote(contractor, ids, { priceMsat: 200_000n, description: null });
    await refused(t.hire.acceptQuote(buyer, ids, 260_000n), 'invalid_state');
    const after = await t.hire.getTask(taskId, null);
    expect(after).toMatchObject({ status: 'open', price_sats: null });
    expect(after.quotes![0]).toMatchObject({ status: 'pending', price_sats: 200 });
    expect(await sats(buyer)).toBe(250);
    expect(await t.hire.acceptQuote(buyer, ids, 200_000n)).toMatchObject({ status: 'awarded' });
    expect(await sats(buyer)).toBe(50);
    await audit();
  });

  it('accept without expected_price_sats: a price above the budget is refused, a raise within it is accepted', async () => {
    // the task's budget is 500 sats
    const above = await quoted(2000, 300);
    await t.hire.editQuote(above.contractor, above, { priceMsat: 900_000n, description: null });
    const err = await refused(t.hire.acceptQuote(above.buyer, above, null), 'invalid_state');
    expect(err.message).toMatch(/900 sats, is above the task's budget of 500 sats/);
    expect(err.details).toEqual({ price_sats: 900 });
    expect(await t.hire.getTask(above.taskId, null)).toMatchObject({ status: 'open', price_sats: null });
    expect(await sats(above.buyer)).toBe(2000 - 50);
    // naming the price is the buyer's consent to it
    expect(await t.hire.acceptQuote(above.buyer, above, 900_000n)).toMatchObject({ status: 'awarded', price_sats: 900 });
    expect(await sats(above.buyer)).toBe(2000 - 50 - 900);

    const offered = await quoted(2000, 600); // offered above the budget from the start
    await refused(t.hire.acceptQuote(offered.buyer, offered, null), 'invalid_state');

    const within = await quoted(2000, 300);
    await t.hire.editQuote(within.contractor, within, { priceMsat: 500_000n, description: null });
    expect(await t.hire.acceptQuote(within.buyer, within, null)).toMatchObject({ status: 'awarded', price_sats: 500 });
    expect(await sats(within.buyer)).toBe(2000 - 50 - 500);
    await audit();
  });

  it('accept without expected_price_sats on a task with no budget: only at the lowest price the quote offered', async () => {
    const noBudget = async (price: number) => {
      const buyer = await t.fund(2000);
      const contractor = await t.fund(100);
      const taskId = (await t.hire.postTask({ ...task, budgetMsat: null }, byToken(buyer), 'ip')).value.id;
      const quoteId = (await t.hire.postQuote(taskId, quote(price), byToken(contractor), 'ip')).value.id;
      return { buyer, contractor, taskId, quoteId };
    };
    const price = (sats: number) => ({ priceMsat: BigInt(sats) * 1000n, description: null });

    const raised = await noBudget(300);
    await t.hire.editQuote(raised.contractor, raised, price(900));
    const err = await refused(t.hire.acceptQuote(raised.buyer, raised, null), 'invalid_state');
    expect(err.message).toMatch(/raised to 900 sats after it offered 300 sats/);
    expect(err.details).toEqual({ price_sats: 900 });
    expect(await sats(raised.buyer)).toBe(1950);
    expect(await t.hire.acceptQuote(raised.buyer, raised, 900_000n)).toMatchObject({ status: 'awarded', price_sats: 900 });

    // lowered, then raised again above the lowest: the buyer may have seen the lowest
    const zigzag = await noBudget(300);
    await t.hire.editQuote(zigzag.contractor, zigzag, price(100));
    await t.hire.editQuote(zigzag.contractor, zigzag, price(250));
    expect((await refused(t.hire.acceptQuote(zigzag.buyer, zigzag, null), 'invalid_state')).message).toMatch(/raised to 250 sats after it offered 100 sats/);
    await t.hire.editQuote(zigzag.contractor, zigzag, { priceMsat: null, description: 'same price, new words' });
    await refused(t.hire.acceptQuote(zigzag.buyer, zigzag, null), 'invalid_state');

    // never raised: as offered, or lowered
    const lowered = await noBudget(300);
    await t.hire.editQuote(lowered.contractor, lowered, price(200));
    await t.hire.editQuote(lowered.contractor, lowered, { priceMsat: null, description: 'cheaper' });
    expect(await t.hire.acceptQuote(lowered.buyer, lowered, null)).toMatchObject({ status: 'awarded', price_sats: 200 });
    const plain = await noBudget(300);
    expect(await t.hire.acceptQuote(plain.buyer, plain, null)).toMatchObject({ status: 'awarded', price_sats: 300 });
    expect(await sats(plain.buyer)).toBe(2000 - 50 - 300);
    await audit();
  });

  it('a refused accept at a raised price names the price the buyer would pay', async () => {
    const { buyer, contractor, taskId, quoteId } = await quoted(1000, 300);
    await t.hire.editQuote(contractor, { taskId, quoteId }, { priceMsat: 320_000n, description: null });
    const err = await refused(t.hire.acceptQuote(buyer, { taskId, quoteId }, 300_000n), 'invalid_state');
    expect(err.message).toMatch(/now 320 sats, not the 300 sats expected/);
    expect(err.details).toEqual({ price_sats: 320 });
  });

  it('charges the posting fee from the token, or refuses it whole', async () => {
    const poor = await t.fund(49);
    const err = await refused(t.hire.postTask(task, byToken(poor), 'ip'), 'insufficient_balance');
    expect(err.details).toEqual({ balance_sats: 49, price_sats: 50 });
    expect((await t.hire.me(poor)).tasks).toEqual([]);
    expect(await sats(poor)).toBe(49);
  });

  it('sells posting by L402: a 402 with a new token, then the paid retry, once', async () => {
    const challenge = await refused(t.hire.postTask(task, none, 'ip'), 'payment_required');
    const top = challenge.topLevel as { token: string; invoice: string; macaroon: string; payment_hash: string; amount_sats: number };
    expect(top.token).toMatch(/^abl_/);
    expect(top.amount_sats).toBe(50);
    expect(await sats(top.token)).toBe(0); // the new account exists, empty
    const l402 = t.credentialFor(top);
    const paid = await t.hire.postTask(task, { token: top.token, l402 }, 'ip');
    expect(paid).toMatchObject({ token: null, receipt: { chargedMsat: 50_000n, balanceMsat: 0n } });
    expect((await t.hire.me(top.token)).tasks.map((x) => x.id)).toEqual([paid.value.id]);
    await refused(t.hire.postTask(task, { token: top.token, l402 }, 'ip'), 'payment_already_used');

    // L402 alone: the buyer gets a new account and its token
    const second = (await refused(t.hire.postTask(task, none, 'ip'), 'payment_required')).topLevel as typeof top;
    const alone = await t.hire.postTask(task, { token: null, l402: t.credentialFor(second) }, 'ip');
    expect(alone.token).toMatch(/^abl_/);
    expect((await t.hire.me(alone.token!)).tasks.map((x) => x.id)).toEqual([alone.value.id]);

    // a credential bought for posting a task does not pay for a quote
    const third = (await refused(t.hire.postTask(task, none, 'ip'), 'payment_required')).topLevel as typeof top;
    await refused(t.hire.postQuote(paid.value.id, quote(5), { token: null, l402: t.credentialFor(third) }, 'ip'), 'invalid_payment');
    await audit();
  });

  it('caps revisions; cancels, withdraws and declines', async () => {
    const { buyer, contractor, taskId, quoteId } = await quoted();
    await t.hire.acceptQuote(buyer, { taskId, quoteId }, null);
    for (let i = 0; i < 2; i++) {
      await t.hire.deliver(contractor, taskId, `draft ${i}`);
      await t.hire.requestRevision(buyer, taskId, null);
    }
    await t.hire.deliver(contractor, taskId, 'final');
    const capped = await refused(t.hire.requestRevision(buyer, taskId, null), 'invalid_state');
    expect(capped.message).toMatch(/All 2 revisions/);

    const open = await quoted();
    const extra = await t.fund(100);
    const second = await t.hire.postQuote(open.taskId, quote(7), byToken(extra), 'ip');
    expect(await t.hire.withdrawQuote(extra, { taskId: open.taskId, quoteId: second.value.id })).toMatchObject({ status: 'withdrawn' });
    expect(await t.hire.cancelTask(open.buyer, open.taskId)).toMatchObject({ status: 'cancelled' });
    expect((await t.hire.getTask(open.taskId, null)).quotes!.map((x) => x.status).sort()).toEqual(['declined', 'withdrawn']);
    await audit();
  });

  it('applies deadlines: expiry, refund of late work, release of unreviewed work — once', async () => {
    const expiring = await quoted();
    const late = await quoted();
    await t.hire.acceptQuote(late.buyer, { taskId: late.taskId, quoteId: late.quoteId }, null);
    const unreviewed = await quoted();
    await t.hire.acceptQuote(unreviewed.buyer, { taskId: unreviewed.taskId, quoteId: unreviewed.quoteId }, null);
    await t.hire.deliver(unreviewed.contractor, unreviewed.taskId, 'here');

    t.clock.now += 600; // past the review deadline (500), not the delivery deadline (1000)
    await refused(t.hire.dispute(unreviewed.buyer, unreviewed.taskId, null), 'invalid_state');
    await refused(t.hire.requestRevision(unreviewed.buyer, unreviewed.taskId, null), 'invalid_state');
    expect((await t.hire.sweep()).released).toBeGreaterThanOrEqual(1);
    expect(await t.hire.getTask(unreviewed.taskId, null)).toMatchObject({ status: 'completed', outcome: 'review_deadline' });
    expect(await t.hire.getTask(late.taskId, null)).toMatchObject({ status: 'awarded' });
    expect(await sats(unreviewed.contractor)).toBe(90 + 300);

    t.clock.now += 500; // past the delivery deadline
    await refused(t.hire.deliver(late.contractor, late.taskId, 'too late'), 'invalid_state');
    expect((await t.hire.sweep()).refunded).toBeGreaterThanOrEqual(1);
    expect(await t.hire.getTask(late.taskId, null)).toMatchObject({ status: 'refunded', outcome: 'delivery_deadline' });
    expect(await sats(late.buyer)).toBe(950);

    t.clock.now += 5000; // past the open task's time to live
    await refused(t.hire.acceptQuote(expiring.buyer, { taskId: expiring.taskId, quoteId: expiring.quoteId }, null), 'invalid_state');
    // before the sweep has run: the deadline still decides, the buyer cannot cancel it instead
    expect((await refused(t.hire.cancelTask(expiring.buyer, expiring.taskId), 'invalid_state')).message).toMatch(/expired/);
    expect((await refused(t.hire.postQuote(expiring.taskId, quote(100), byToken(await t.fund(100)), 'ip'), 'invalid_state')).message).toBe('The task expired. Only open tasks take quotes.');
    // nor can its contractor change a price nobody can accept any more
    const expiringIds = { taskId: expiring.taskId, quoteId: expiring.quoteId };
    expect((await refused(t.hire.editQuote(expiring.contractor, expiringIds, { priceMsat: 1000n, description: null }), 'invalid_state')).message).toBe('The task expired. Only a quote on an open task can be changed.');
    expect((await t.hire.sweep()).expired).toBeGreaterThanOrEqual(1);
    expect(await t.hire.getTask(expiring.taskId, null)).toMatchObject({ status: 'expired', quotes: [{ status: 'declined' }] });
    expect(await t.hire.sweep()).toEqual({ expired: 0, refunded: 0, released: 0 });
    await audit();
  });

  it('resolves disputes by release, refund or split, once', async () => {
    const splits: [string, { kind: 'release' } | { kind: 'refund' } | { kind: 'split'; contractorSats: number }, number, number][] = [
      ['completed', { kind: 'release' }, 300, 0],
      ['refunded', { kind: 'refund' }, 0, 300],
      ['split', { kind: 'split', contractorSats: 120 }, 120, 180],
    ];
    for (const [status, resolution, toContractor, toBuyer] of splits) {
      const { buyer, contractor, taskId, quoteId } = await quoted();
      await t.hire.acceptQuote(buyer, { taskId, quoteId }, null);
      await t.hire.deliver(contractor, taskId, 'work');
      await refused(t.hire.resolveDispute(taskId, { kind: 'release' }), 'invalid_state');
      await t.hire.dispute(contractor, taskId, 'The buyer went silent');
      await refused(t.hire.confirm(buyer, taskId), 'invalid_state');
      if (resolution.kind === 'split') {
        await refused(t.hire.resolveDispute(taskId, { kind: 'split', contractorSats: 300 }), 'invalid_field_value', 'contractor_sats');
        await refused(t.hire.resolveDispute(taskId, { kind: 'split', contractorSats: 0 }), 'invalid_field_value', 'contractor_sats');
      }
      expect(await t.hire.resolveDispute(taskId, resolution)).toMatchObject({ status });
      await refused(t.hire.resolveDispute(taskId, resolution), 'invalid_state');
      expect(await sats(contractor)).toBe(90 + toContractor);
      expect(await sats(buyer)).toBe(650 + toBuyer);
      expect(await t.hire.getTask(taskId, buyer)).toMatchObject({ contractor_paid_sats: toContractor, buyer_refunded_sats: toBuyer });
    }
    await audit();
  });

  it('lists tasks by status with pagination', async () => {
    const buyer = await t.fund(1000);
    for (let i = 0; i < 3; i++) {
      t.clock.now += 1;
      await t.hire.postTask({ ...task, title: `page ${i}` }, byToken(buyer), 'ip');
    }
    const first = await t.hire.listTasks({ status: 'open', limit: 2, offset: 0 });
    expect(first.tasks.map((x) => x.title)).toEqual(['page 2', 'page 1']);
    expect(first.next_offset).toBe(2);
    const all = await t.hire.listTasks({ status: null, limit: 100, offset: 0 });
    expect(all.tasks.every((x) => !('quotes' in x))).toBe(true);
    const cancelled = await t.hire.listTasks({ status: 'cancelled', limit: 100, offset: 0 });
    expect(cancelled.tasks.every((x) => x.status === 'cancelled')).toBe(true);
  });
}
