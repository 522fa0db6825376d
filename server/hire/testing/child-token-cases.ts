// Child tokens in the marketplace (run by domain.test.ts on PGlite and PostgreSQL): money reaching
// one after its parent revoked it — an escrow refunded to a revoked buyer, or released to a
// revoked contractor (whole or a milestone) — goes to the parent, who got the child's balance
// back, so nothing stays on an account no token can use; a daily cap that refuses a debit says so;
// a child token revoked or expired hears no more events, live or by webhook.
import { beforeAll, expect, it, vi } from 'vitest';
import { findAccountByTokenHash, getBalance, hashToken, newToken } from '../../ledger/index.js';
import { milestones as parseMilestones } from '../input-rules.js';
import { refused } from './lifecycle-cases.js';
import type { HireTest } from './rig.js';
import { retryDelaySeconds } from '../webhooks.js';

const byToken = (token: string) => ({ token, l402: null });
const task = { title: 'Summarise a PDF', description: 'Ten bullet points, please.', budgetMsat: 500_000n };

export function childTokenCases(get: () => HireTest): void {
  let t: HireTest;
  const accountOf = async (token: string) => (await findAccountByTokenHash(t.store.db, hashToken(token)))!.id;
  const sats = async (token: string) => Number((await getBalance(t.store.db, await accountOf(token))) / 1000n);
  const audit = async () => expect((await t.ledger.audit()).problems).toEqual([]);
  beforeAll(() => {
    t = get();
  });

  /** A parent with `sats`, and a child token it funds with `childSats`; `revoke` hands the rest back. */
  async function family(sats: number, childSats: number, capSats?: number) {
    const parent = await t.fund(sats);
    const child = newToken();
    const parentId = await accountOf(parent);
    const maxMsatPerDay = capSats === undefined ? null : BigInt(capSats) * 1000n;
    const childId = await t.ledger.createChild({ parentId, tokenHash: hashToken(child), amountMsat: BigInt(childSats) * 1000n, expiresAt: null, maxMsatPerDay, apis: null });
    const revoke = async () => expect(await t.ledger.revokeChild({ parentId, childId })).toMatchObject({ ok: true });
    const childMsat = () => getBalance(t.store.db, childId);
    return { parent, child, revoke, childMsat };
  }

  it('an escrow refunded to a revoked buyer goes to its parent', async () => {
    const f = await family(2000, 1000);
    const contractor = await t.fund(100);
    const posted = await t.hire.postTask(task, byToken(f.child), 'ip');
    const quote = await t.hire.postQuote(posted.value.id, { priceMsat: 300_000n, description: 'ok' }, byToken(contractor), 'ip');
    await t.hire.acceptQuote(f.child, { taskId: posted.value.id, quoteId: quote.value.id }, null);
    await f.revoke(); // 1000 − 50 fee − 300 escrow back
    expect(await sats(f.parent)).toBe(1000 + 650);
    t.clock.now += 1001; // past the delivery deadline
    expect((await t.hire.sweep()).refunded).toBeGreaterThanOrEqual(1);
    expect(await t.hire.getTask(posted.value.id, null)).toMatchObject({ status: 'refunded' });
    expect(await sats(f.parent)).toBe(1000 + 650 + 300);
    expect(await f.childMsat()).toBe(0n);
    await audit();
  });

  it('a release to a revoked contractor, whole or a milestone, goes to its parent', async () => {
    const buyer = await t.fund(2000);
    const f = await family(500, 200);
    const whole = await t.hire.postTask(task, byToken(buyer), 'ip');
    const q1 = await t.hire.postQuote(whole.value.id, { priceMsat: 300_000n, description: 'ok' }, byToken(f.child), 'ip');
    const parts = parseMilestones([{ title: 'Draft', amount_sats: 100 }, { title: 'Final', amount_sats: 200 }], null, 100_000);
    const staged = await t.hire.postTask({ title: 'Two reports', description: 'One at a time.', ...parts }, byToken(buyer), 'ip');
    const q2 = await t.hire.postQuote(staged.value.id, { priceMsat: parts.budgetMsat, description: 'deal' }, byToken(f.child), 'ip');
    await t.hire.acceptQuote(buyer, { taskId: whole.value.id, quoteId: q1.value.id }, null);
    await t.hire.acceptQuote(buyer, { taskId: staged.value.id, quoteId: q2.value.id }, null);
    await t.hire.deliver(f.child, whole.value.id, 'work');
    await t.hire.deliver(f.child, staged.value.id, 'a draft');
    await f.revoke(); // 200 − 2 × 10 quote fees back
    expect(await sats(f.parent)).toBe(300 + 180);
    expect(await t.hire.confirm(buyer, whole.value.id)).toMatchObject({ status: 'completed' });
    expect(await t.hire.confirm(buyer, staged.value.id)).toMatchObject({ status: 'awarded', released_sats: 100 });
    expect(await sats(f.parent)).toBe(300 + 180 + 300 + 100);
    expect(await f.childMsat()).toBe(0n);
    await audit();
  });

  it('a debit its daily cap refuses says the cap, not the balance', async () => {
    const f = await family(2000, 1000, 100);
    const contractor = await t.fund(100);
    const posted = await t.hire.postTask(task, byToken(f.child), 'ip'); // 50 of the day's 100
    const quote = await t.hire.postQuote(posted.value.id, { priceMsat: 300_000n, description: 'ok' }, byToken(contractor), 'ip');
    const err = await refused(t.hire.acceptQuote(f.child, { taskId: posted.value.id, quoteId: quote.value.id }, null), 'insufficient_balance');
    expect(err.message).toBe('Accepting this quote needs 300 sats; this token may spend 50 more sats today (its daily cap).');
    expect(err.details).toEqual({ balance_sats: 50, price_sats: 300, limit: 'daily_cap' });
    expect(await sats(f.child)).toBe(950);
    await audit();
  });

  /** The token's live events by name; `ended` resolves when the service ends the stream. */
  async function listen(token: string) {
    const events: string[] = [];
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const stop = await t.hire.openLive(token, { afterId: null, newTasks: false, match: null }, (e) => events.push(e.event), () => end());
    return { events, ended, stop };
  }

  it('a child token that expired hears nothing more: its stream ends before the next event, its webhook deliveries are given up', async () => {
    const parent = await t.fund(2000);
    const child = newToken();
    await t.ledger.createChild({ parentId: await accountOf(parent), tokenHash: hashToken(child), amountMsat: 500_000n, expiresAt: t.clock.now + 100, maxMsatPerDay: null, apis: null });
    const contractor = await t.fund(100);
    await t.hire.deliverWebhooks(); // anything due from other cases goes now
    await t.hire.setWebhook(child, 'https://child.example/hooks');
    const live = await listen(child);
    const posted = await t.hire.postTask(task, byToken(child), 'ip');
    await vi.waitFor(() => expect(live.events).toEqual(['task.created']));
    t.webhooks.sent.length = 0;
    t.webhooks.script.push(500); // its first attempt fails: due again later
    expect(await t.hire.deliverWebhooks()).toEqual({ delivered: 0, retrying: 1, failed: 0 });

    t.clock.now += 101; // past the child's expiry
    await t.hire.postQuote(posted.value.id, { priceMsat: 100_000n, description: 'too late to hear' }, byToken(contractor), 'ip');
    await live.ended;
    expect(live.events).toEqual(['task.created']);
    t.clock.now += retryDelaySeconds(1);
    t.webhooks.sent.length = 0;
    // the retry is given up unsent, and the quote's event was never queued for it
    expect(await t.hire.deliverWebhooks()).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(t.webhooks.sent).toEqual([]);
    live.stop();
  });

  it('a child token revoked while its stream is idle: the stream ends without waiting for an event', async () => {
    const f = await family(2000, 500);
    const live = await listen(f.child);
    await f.revoke();
    await live.ended;
    expect(live.events).toEqual([]);
  });
}
