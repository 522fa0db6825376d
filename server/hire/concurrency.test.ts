// Races on real PostgreSQL (a pool of connections, true parallelism): whatever the
// interleaving, one outcome wins, money moves once, and the ledger audit stays clean.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { findAccountByTokenHash, getBalance, hashToken } from '../ledger/index.js';
import { foreignInvoice, openHireTest, type HireTest } from './testing/rig.js';

const task = { title: 'Race me', description: 'Many hands at once.', budgetMsat: null };
const byToken = (token: string) => ({ token, l402: null });

/** settles every promise; returns how many resolved and the error codes of the rest */
async function outcomes(ps: Promise<unknown>[]): Promise<{ ok: number; codes: string[] }> {
  const settled = await Promise.allSettled(ps);
  const codes = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as AppError).code ?? String(s.reason)] : []));
  return { ok: settled.length - codes.length, codes };
}

describe('AI for Hire races on PostgreSQL', () => {
  let t: HireTest;
  const msat = async (token: string) => getBalance(t.store.db, (await findAccountByTokenHash(t.store.db, hashToken(token)))!.id);
  const audit = async () => expect((await t.ledger.audit()).problems).toEqual([]);

  beforeAll(async () => {
    t = await openHireTest('postgres');
  });
  afterAll(() => t.close());

  async function taskWithQuotes(n: number, buyerSats = 2000) {
    const buyer = await t.fund(buyerSats);
    const taskId = (await t.hire.postTask(task, byToken(buyer), 'ip')).value.id;
    const quotes = [];
    for (let i = 0; i < n; i++) {
      const contractor = await t.fund(20);
      quotes.push({ contractor, quoteId: (await t.hire.postQuote(taskId, { priceMsat: BigInt(100 + i) * 1000n, description: `offer ${i}` }, byToken(contractor), 'ip')).value.id });
    }
    return { buyer, taskId, quotes };
  }

  async function delivered() {
    const { buyer, taskId, quotes } = await taskWithQuotes(1);
    const [{ contractor, quoteId }] = quotes as [{ contractor: string; quoteId: string }];
    await t.hire.acceptQuote(buyer, { taskId, quoteId }, null);
    await t.hire.deliver(contractor, taskId, 'the work');
    return { buyer, contractor, taskId };
  }

  it('parallel accepts of different quotes of one task: exactly one wins, one escrow debit', async () => {
    for (let round = 0; round < 3; round++) {
      const { buyer, taskId, quotes } = await taskWithQuotes(6);
      // edits and withdrawals race the accepts too
      const r = await outcomes([
        ...quotes.map((q) => t.hire.acceptQuote(buyer, { taskId, quoteId: q.quoteId }, null)),
        t.hire.editQuote(quotes[0]!.contractor, { taskId, quoteId: quotes[0]!.quoteId }, { priceMsat: 1_000n, description: null }),
        t.hire.withdrawQuote(quotes[5]!.contractor, { taskId, quoteId: quotes[5]!.quoteId }),
        t.hire.cancelTask(buyer, taskId),
      ]);
      const shown = await t.hire.getTask(taskId, null);
      const accepted = shown.quotes!.filter((q) => q.status === 'accepted');
      if (shown.status === 'cancelled') {
        expect(accepted).toHaveLength(0);
        expect(await msat(buyer)).toBe(1_950_000n);
      } else {
        expect(shown.status).toBe('awarded');
        expect(accepted).toHaveLength(1);
        expect(shown.price_sats).toBe(accepted[0]!.price_sats);
        expect(await msat(buyer)).toBe(1_950_000n - BigInt(accepted[0]!.price_sats) * 1000n);
        expect(shown.quotes!.filter((q) => q.status === 'pending')).toHaveLength(0);
      }
      expect(r.codes.every((c) => c === 'invalid_state')).toBe(true);
      await audit();
    }
  });

  /** a task budgeted at `budgetSats` (or none) by a buyer with 2000 sats, one quote of 80 sats */
  async function quotedAt80(budgetSats: number | null) {
    const buyer = await t.fund(2000);
    const contractor = await t.fund(20);
    const taskId = (await t.hire.postTask({ ...task, budgetMsat: budgetSats === null ? null : BigInt(budgetSats) * 1000n }, byToken(buyer), 'ip')).value.id;
    const quoteId = (await t.hire.postQuote(taskId, { priceMsat: 80_000n, description: 'for 80' }, byToken(contractor), 'ip')).value.id;
    return { buyer, contractor, ids: { taskId, quoteId } };
  }
  const raiseTo900 = { priceMsat: 900_000n, description: null };

  /** a connection of the test's own that holds a row lock until release() */
  async function holdLock(sql: string, params: unknown[]) {
    const c = new pg.Client({ connectionString: t.store.url! });
    await c.connect();
    await c.query('BEGIN');
    await c.query(sql, params);
    const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const waiting = async (extra = '') =>
      Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) ${extra}`, [pid])).rows[0]!.n);
    return {
      /** until a statement of the service waits for this lock */
      blocksSomeone: () => expect.poll(() => waiting(), { timeout: 10_000 }).toBeGreaterThan(0),
      /** until a statement waits for a transaction that waits for this lock */
      blocksTwo: () =>
        expect
          .poll(async () => {
            const r = await c.query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity w WHERE EXISTS (
                 SELECT 1 FROM pg_stat_activity a WHERE $1 = ANY(pg_blocking_pids(a.pid)) AND a.pid = ANY(pg_blocking_pids(w.pid)))`,
              [pid],
            );
            return Number(r.rows[0]!.n);
          }, { timeout: 10_000 })
          .toBeGreaterThan(0),
      async release() {
        await c.query('COMMIT');
        await c.end();
      },
    };
  }

  it('an edit raising the price above the budget while an accept without a price waits: the accept refuses it', async () => {
    const { buyer, contractor, ids } = await quotedAt80(100);
    // the accept read the quote at 80 and now queues for the task's lock
    const lock = await holdLock(`SELECT 1 FROM hire_tasks WHERE id = $1 FOR UPDATE`, [ids.taskId]);
    const accepting = t.hire.acceptQuote(buyer, ids, null).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    await lock.blocksSomeone();
    expect(await t.hire.editQuote(contractor, ids, raiseTo900)).toMatchObject({ price_sats: 900, status: 'pending' });
    await lock.release();
    const err = await accepting;
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid_state', details: { price_sats: 900 } });
    expect(await t.hire.getTask(ids.taskId, null)).toMatchObject({ status: 'open', price_sats: null });
    expect(await msat(buyer)).toBe(1_950_000n);
    await audit();
  });

  it('an edit racing an accept that already holds the quote: the edit is refused, the accept pays the price it checked', async () => {
    const { buyer, contractor, ids } = await quotedAt80(100);
    const buyerId = (await findAccountByTokenHash(t.store.db, hashToken(buyer)))!.id;
    // the accept has the quote (pending → accepted) and waits to debit the buyer
    const lock = await holdLock(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [buyerId]);
    const accepting = t.hire.acceptQuote(buyer, ids, null);
    await lock.blocksSomeone();
    const editing = t.hire.editQuote(contractor, ids, raiseTo900).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    await lock.blocksTwo(); // the edit waits for the accept's transaction
    await lock.release();
    expect(await accepting).toMatchObject({ status: 'awarded', price_sats: 80 });
    expect(await editing).toMatchObject({ code: 'invalid_state' });
    expect((await t.hire.getTask(ids.taskId, null)).quotes![0]).toMatchObject({ status: 'accepted', price_sats: 80 });
    expect(await msat(buyer)).toBe(1_950_000n - 80_000n);
    await audit();
  });

  it('accepts without a price racing raises: never awarded above the budget, or above the lowest offer without one', async () => {
    for (const budget of [100, null]) {
      for (let round = 0; round < 4; round++) {
        const { buyer, contractor, ids } = await quotedAt80(budget);
        const r = await outcomes([t.hire.acceptQuote(buyer, ids, null), t.hire.editQuote(contractor, ids, raiseTo900), t.hire.acceptQuote(buyer, ids, null)]);
        expect(r.codes.every((c) => c === 'invalid_state')).toBe(true);
        const shown = await t.hire.getTask(ids.taskId, null);
        if (shown.status === 'awarded') {
          expect(shown.price_sats).toBe(80);
          expect(await msat(buyer)).toBe(1_950_000n - 80_000n);
        } else {
          expect(shown).toMatchObject({ status: 'open', price_sats: null });
          expect(shown.quotes![0]).toMatchObject({ status: 'pending', price_sats: 900 });
          expect(await msat(buyer)).toBe(1_950_000n);
        }
        await audit();
      }
    }
  });

  it('confirm racing dispute (before the review deadline): exactly one outcome, paid at most once', async () => {
    for (let round = 0; round < 5; round++) {
      const { buyer, contractor, taskId } = await delivered();
      const before = await msat(contractor);
      const r = await outcomes([t.hire.confirm(buyer, taskId), t.hire.dispute(buyer, taskId, null), t.hire.dispute(contractor, taskId, null), t.hire.sweep()]);
      const status = (await t.hire.getTask(taskId, null)).status;
      expect(['completed', 'disputed']).toContain(status);
      expect(r.ok).toBe(2); // one of confirm/dispute/dispute, plus the sweep (which had nothing to do)
      expect(await msat(contractor)).toBe(status === 'completed' ? before + 100_000n : before);
      await audit();
    }
  });

  it('confirm racing the review-deadline release and a late dispute: paid once', async () => {
    const tasks = [];
    for (let i = 0; i < 5; i++) tasks.push({ ...(await delivered()), before: 0n });
    for (const x of tasks) x.before = await msat(x.contractor);
    t.clock.now += 600; // past the review deadline of them all
    await Promise.allSettled([t.hire.sweep(), t.hire.sweep(), ...tasks.flatMap((x) => [t.hire.confirm(x.buyer, x.taskId), t.hire.dispute(x.buyer, x.taskId, null)])]);
    for (const x of tasks) {
      expect((await t.hire.getTask(x.taskId, null)).status).toBe('completed');
      expect(await msat(x.contractor)).toBe(x.before + 100_000n);
    }
    await audit();
  });

  it('a delivery racing the delivery-deadline refund, and a resolution racing another: one outcome', async () => {
    const { buyer, taskId, quotes } = await taskWithQuotes(1);
    const { contractor, quoteId } = quotes[0]!;
    await t.hire.acceptQuote(buyer, { taskId, quoteId }, null);
    t.clock.now += 1000; // the delivery deadline is now
    await outcomes([t.hire.deliver(contractor, taskId, 'just in time?'), t.hire.sweep(), t.hire.sweep(), t.hire.confirm(buyer, taskId)]);
    expect(await t.hire.getTask(taskId, null)).toMatchObject({ status: 'refunded' });
    expect(await msat(buyer)).toBe(1_950_000n);

    const disputed = await delivered();
    await t.hire.dispute(disputed.buyer, disputed.taskId, null);
    const r = await outcomes([
      t.hire.resolveDispute(disputed.taskId, { kind: 'release' }),
      t.hire.resolveDispute(disputed.taskId, { kind: 'refund' }),
      t.hire.resolveDispute(disputed.taskId, { kind: 'split', contractorSats: 40 }),
      t.hire.confirm(disputed.buyer, disputed.taskId),
    ]);
    expect(r.ok).toBe(1);
    const closed = await t.hire.getTask(disputed.taskId, disputed.buyer);
    expect((closed.contractor_paid_sats ?? 0) + (closed.buyer_refunded_sats ?? 0)).toBe(100);
    await audit();
  });

  /** a two-milestone task (100 + 200 sats) whose first milestone is delivered */
  async function milestoneDelivered(second: 'plain' | 'checked' = 'plain') {
    const buyer = await t.fund(2000);
    const contractor = await t.fund(20);
    const acceptance = second === 'checked' ? { json_schema: { type: 'integer' } } : null;
    const milestones = [
      { title: 'one', amount_sats: 100, deadline_seconds: null, acceptance: null },
      { title: 'two', amount_sats: 200, deadline_seconds: null, acceptance },
    ];
    const taskId = (await t.hire.postTask({ ...task, budgetMsat: 300_000n, milestones }, byToken(buyer), 'ip')).value.id;
    const quoteId = (await t.hire.postQuote(taskId, { priceMsat: 300_000n, description: 'both' }, byToken(contractor), 'ip')).value.id;
    await t.hire.acceptQuote(buyer, { taskId, quoteId }, null);
    await t.hire.deliver(contractor, taskId, 'one');
    return { buyer, contractor, taskId };
  }

  it('a double confirm of one milestone releases it once and starts the next once', async () => {
    for (let round = 0; round < 5; round++) {
      const { buyer, contractor, taskId } = await milestoneDelivered();
      const before = await msat(contractor);
      const r = await outcomes([t.hire.confirm(buyer, taskId), t.hire.confirm(buyer, taskId), t.hire.confirm(buyer, taskId)]);
      expect(r.ok).toBe(1);
      expect(r.codes).toEqual(['invalid_state', 'invalid_state']);
      expect(await t.hire.getTask(taskId, null)).toMatchObject({ status: 'awarded', current_milestone: 1, released_sats: 100 });
      expect(await msat(contractor)).toBe(before + 100_000n);
      await audit();
    }
  });

  it('confirm racing dispute on one milestone, and a checked delivery racing the deadline refund: one outcome each', async () => {
    for (let round = 0; round < 5; round++) {
      const { buyer, contractor, taskId } = await milestoneDelivered();
      const before = await msat(contractor);
      const r = await outcomes([t.hire.confirm(buyer, taskId), t.hire.dispute(contractor, taskId, null), t.hire.dispute(buyer, taskId, null), t.hire.sweep()]);
      expect(r.ok).toBe(2);
      const shown = await t.hire.getTask(taskId, null);
      if (shown.status === 'disputed') {
        expect(shown).toMatchObject({ current_milestone: 0, released_sats: 0 });
        expect(await msat(contractor)).toBe(before);
      } else {
        expect(shown).toMatchObject({ status: 'awarded', current_milestone: 1, released_sats: 100 });
        expect(await msat(contractor)).toBe(before + 100_000n);
      }
      await audit();
    }
    const { buyer, contractor, taskId } = await milestoneDelivered('checked');
    await t.hire.confirm(buyer, taskId);
    t.clock.now += 1000; // the second milestone's delivery deadline is now
    await outcomes([t.hire.deliver(contractor, taskId, '7'), t.hire.sweep(), t.hire.sweep()]);
    const closed = await t.hire.getTask(taskId, buyer);
    expect(closed).toMatchObject({ status: 'refunded', contractor_paid_sats: 100, buyer_refunded_sats: 200 });
    await audit();
  });

  it('parallel collects of the whole balance never pay out more than it', async () => {
    const token = await t.fund(1000);
    t.wallet.feeMsat = 1_000n;
    // each holds 400 + 12 sats: at most two fit in 1000
    const invoices = Array.from({ length: 10 }, () => foreignInvoice(400_000n, { now: t.clock.now }));
    const r = await outcomes(invoices.map((inv) => t.hire.collect(token, inv.bolt11)));
    expect(r.ok).toBe(2);
    expect(r.codes.every((c) => c === 'insufficient_balance')).toBe(true);
    expect(await msat(token)).toBe(1_000_000n - 2n * 401_000n);

    // one invoice collected many times at once: one payout
    const same = foreignInvoice(50_000n, { now: t.clock.now });
    const dup = await outcomes(Array.from({ length: 6 }, () => t.hire.collect(token, same.bolt11)));
    expect(dup.ok).toBe(1);
    expect(await msat(token)).toBe(1_000_000n - 2n * 401_000n - 51_000n);
    t.wallet.feeMsat = 0n;
    await audit();
  });
});
