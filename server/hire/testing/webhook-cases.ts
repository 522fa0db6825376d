// Webhooks, called directly with a scripted sender and the test's clock (run by domain.test.ts
// on PGlite and PostgreSQL): each event of the token is POSTed once it is due, signed, and
// retried with growing delays until it is answered 2xx or given up.
import { createHmac } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { refused } from './lifecycle-cases.js';
import type { HireTest } from './rig.js';
import { MAX_ATTEMPTS, retryDelaySeconds } from '../webhooks.js';

const byToken = (token: string) => ({ token, l402: null });

export function webhookCases(get: () => HireTest): void {
  let t: HireTest;
  beforeAll(() => {
    t = get();
  });

  it('posts each event of the token, signed, and retries with backoff until answered', async () => {
    const buyer = await t.fund(1000);
    const contractor = await t.fund(100);
    const other = await t.fund(100);
    await refused(t.hire.setWebhook(buyer, 'ftp://example.com/x'), 'invalid_field_value', 'url');
    await refused(t.hire.getWebhook(buyer), 'not_found');
    const hook = await t.hire.setWebhook(buyer, 'https://buyer.example/hooks');
    expect(hook).toMatchObject({ url: 'https://buyer.example/hooks', secret: expect.stringMatching(/^whsec_[0-9a-f]{48}$/) });
    expect(await t.hire.getWebhook(buyer)).toEqual({ url: hook.url, created_at: t.clock.now });
    await t.hire.setWebhook(other, 'https://other.example/hooks');
    t.webhooks.sent.length = 0;
    await t.hire.deliverWebhooks(); // anything due from other cases goes now

    const taskId = (await t.hire.postTask({ title: 'hooked', description: 'd', budgetMsat: null }, byToken(buyer), 'ip')).value.id;
    await t.hire.postQuote(taskId, { priceMsat: 50_000n, description: 'q' }, byToken(contractor), 'ip');
    t.webhooks.sent.length = 0;
    t.webhooks.script.push(500, 'throw'); // the first attempt of each fails
    expect(await t.hire.deliverWebhooks()).toEqual({ delivered: 0, retrying: 2, failed: 0 });
    const first = t.webhooks.sent.map((s) => JSON.parse(s.body).event);
    expect(first).toEqual(['task.created', 'quote.created']);
    expect(t.webhooks.sent.every((s) => s.url === 'https://buyer.example/hooks')).toBe(true); // not the other token's
    const sig = t.webhooks.sent[0]!.headers['x-abl-signature']!;
    const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig)!;
    expect(v1).toBe(createHmac('sha256', hook.secret!).update(`${ts}.${t.webhooks.sent[0]!.body}`).digest('hex'));
    expect(JSON.parse(t.webhooks.sent[0]!.body)).toMatchObject({ event: 'task.created', data: { task_id: taskId } });
    expect(t.webhooks.sent[0]!.body).not.toMatch(/abl_/);

    // not due again before the backoff, due after it, then delivered
    t.webhooks.sent.length = 0;
    t.clock.now += retryDelaySeconds(1) - 1;
    expect(await t.hire.deliverWebhooks()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    t.clock.now += 1;
    t.webhooks.script.push(503);
    expect(await t.hire.deliverWebhooks()).toEqual({ delivered: 1, retrying: 1, failed: 0 });
    t.clock.now += retryDelaySeconds(2);
    expect(await t.hire.deliverWebhooks()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(await t.hire.deliverWebhooks()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(retryDelaySeconds(2)).toBe(2 * retryDelaySeconds(1));

    // a receiver that never answers 2xx is given up after MAX_ATTEMPTS
    await t.hire.postMessage(buyer, { taskId, quoteId: (await t.hire.getTask(taskId, null)).quotes[0]!.id }, 'hello');
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      t.webhooks.script.push(500); // the message concerns both sides; only the buyer has a hook
      const r = await t.hire.deliverWebhooks();
      expect(r).toEqual(attempt < MAX_ATTEMPTS ? { delivered: 0, retrying: 1, failed: 0 } : { delivered: 0, retrying: 0, failed: 1 });
      t.clock.now += retryDelaySeconds(attempt);
    }
    t.webhooks.script.length = 0;
    expect(await t.hire.deliverWebhooks()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(await t.hire.removeWebhook(buyer)).toEqual({ deleted: true });
    await refused(t.hire.removeWebhook(buyer), 'not_found');
    await t.hire.removeWebhook(other);
  });

  it("posts quote.declined to the losing contractor's webhook only, naming the task and no token", async () => {
    const buyer = await t.fund(1000);
    const winner = await t.fund(100);
    const loser = await t.fund(100);
    for (const [token, host] of [[buyer, 'buyer'], [winner, 'winner'], [loser, 'loser']] as const) await t.hire.setWebhook(token, `https://${host}.example/hooks`);
    const taskId = (await t.hire.postTask({ title: 'two bids', description: 'd', budgetMsat: null }, byToken(buyer), 'ip')).value.id;
    const won = (await t.hire.postQuote(taskId, { priceMsat: 40_000n, description: 'w' }, byToken(winner), 'ip')).value;
    const lost = (await t.hire.postQuote(taskId, { priceMsat: 30_000n, description: 'l' }, byToken(loser), 'ip')).value;
    await t.hire.acceptQuote(buyer, { taskId, quoteId: won.id }, null);
    t.webhooks.sent.length = 0;
    t.webhooks.script.length = 0;
    await t.hire.deliverWebhooks();
    const declined = t.webhooks.sent.filter((s) => JSON.parse(s.body).event === 'quote.declined');
    expect(declined.map((s) => s.url)).toEqual(['https://loser.example/hooks']);
    expect(JSON.parse(declined[0]!.body).data).toMatchObject({ task_id: taskId, quote_id: lost.id, status: 'declined', price_sats: 30, reason: 'another_quote_accepted' });
    expect(declined[0]!.body).not.toMatch(/abl_/);

    // an open task that expires declines its pending quote: the same event, its reason
    const stale = (await t.hire.postTask({ title: 'left alone', description: 'd', budgetMsat: null }, byToken(buyer), 'ip')).value.id;
    const unanswered = (await t.hire.postQuote(stale, { priceMsat: 10_000n, description: 'l' }, byToken(loser), 'ip')).value;
    t.clock.now += 5000; // the rig's open_task_ttl_seconds
    expect((await t.hire.sweep()).expired).toBeGreaterThanOrEqual(1);
    t.webhooks.sent.length = 0;
    await t.hire.deliverWebhooks();
    const expired = t.webhooks.sent.map((s) => ({ url: s.url, ...JSON.parse(s.body) })).filter((s) => s.event === 'quote.declined');
    expect(expired).toMatchObject([{ url: 'https://loser.example/hooks', data: { task_id: stale, quote_id: unanswered.id, reason: 'task_expired' } }]);
    for (const token of [buyer, winner, loser]) await t.hire.removeWebhook(token);
  });
}
