// AI for Hire pages that keep up and say what matters, at phone and desktop sizes: a new quote and
// a delivery appear without a reload (on the live events the page listens to; nothing sleeps), the escrow
// and every deadline are shown and worded for each side, either side can dispute, the delivery
// stops counting as unread once read; and posting without a token sends nothing, keeps the draft
// across a top-up and brings the buyer back to it.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { browserTest, expectAbsent, expectText, expectVisible, fundToken, hireApi, horizontalOverflow, poll, useBrowser, useDevServer } from './harness.js';

const H = '/api/v1/ai-for-hire';
const browser = useBrowser();
const srv = useDevServer();

const hire = hireApi(srv);
/** the page listens to its live events: from now on what happens to the task shows by itself */
const listening = (page: Page) => poll(() => page.getByTestId('task-page').getAttribute('data-live')).toBe('true');
const badge = (page: Page) => page.getByTestId('task-page').locator('.page-head').getByTestId('status-badge');

/** the buttons of a row do not touch: at least 4 px between any two on the same line */
async function buttonsApart(page: Page, testId: string): Promise<void> {
  const boxes = await page
    .getByTestId(testId)
    .locator(':scope > button, :scope > a')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom })));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const sameLine = a.top < b.bottom && b.top < a.bottom;
      const gap = sameLine ? Math.max(b.left - a.right, a.left - b.right) : Math.max(b.top - a.bottom, a.top - b.bottom);
      expect(gap, `buttons ${i} and ${j} of ${testId} touch`).toBeGreaterThanOrEqual(4);
    }
  }
}

for (const [label, buyerWidth, contractorWidth] of [
  ['desktop buyer, phone contractor', 1280, 390],
  ['phone buyer, desktop contractor', 390, 1280],
] as const) {
  browserTest(`${label}: live quote and delivery, escrow and deadlines per side, dispute`, browser, async (s) => {
    const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 1000), fundToken(srv, 100)]);
    const task = await hire(buyerToken, 'POST', '/tasks', { title: `Live task ${label}`, description: 'Write a haiku about sats.', budget_sats: 300 });

    const buyer = await s.page({ name: 'buyer', token: buyerToken, width: buyerWidth, height: buyerWidth > 500 ? 900 : 844 });
    await buyer.clock.install();
    await buyer.goto(`${srv.url}/hire/tasks/${task.id}`);
    await expectText(buyer.getByTestId('deadline-expires'), /^Open for quotes until .+ \(in \d+ days?/);
    await expectText(buyer.getByText('No quotes yet.'), 'No quotes yet.');
    await listening(buyer);

    // a quote made elsewhere shows up without a reload
    const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: 250, description: 'Five, seven, five.' });
    await expectText(buyer.locator(`[data-testid="quote-${quote.id}"]`).getByTestId('quote-price'), '250 sats');

    // the buyer accepts: the escrow and the delivery deadline, in the buyer's words
    await buyer.getByTestId('accept-quote-button').click();
    await buyer.getByTestId('accept-quote-button-confirm').click();
    await expectText(badge(buyer), 'awarded');
    await expectText(buyer.getByTestId('task-escrow'), /^In escrow: 250 sats/);
    await expectText(buyer.getByTestId('deadline-delivery'), /^Delivery due by .+ \(in \d+ (day|days|h)\b.*250 sats come back to your balance/);

    // the contractor's side of the same task
    const contractor = await s.page({ name: 'contractor', token: contractorToken, width: contractorWidth, height: contractorWidth > 500 ? 900 : 844 });
    await contractor.clock.install();
    await contractor.goto(`${srv.url}/hire/tasks/${task.id}`);
    await expectText(contractor.getByTestId('task-page'), /you are the contractor/);
    await listening(contractor);
    await expectText(contractor.getByTestId('deadline-delivery'), /^Deliver by .+250 sats go back to the buyer/);
    await expectText(contractor.getByTestId('task-escrow'), /^In escrow: 250 sats/);
    await s.shot(contractor, `hire-live-contractor-awarded-${contractorWidth}`);
    await contractor.getByTestId('deliver-input').fill('Small sats flow / a haiku paid by the byte / lightning never sleeps');
    await contractor.getByTestId('deliver-button').click();
    await expectText(badge(contractor), 'delivered');
    await expectText(contractor.getByTestId('deadline-review'), /^Review until .+released to you automatically/);

    // the delivery reaches the buyer's open page by itself, with the review deadline
    await expectText(buyer.getByTestId('delivery-body'), /lightning never sleeps/);
    await expectText(badge(buyer), 'delivered');
    await expectText(buyer.getByTestId('deadline-review'), /^Review by .+ \(in \d+ days?.*otherwise 250 sats are released to the contractor automatically/);
    await expectVisible(buyer.getByTestId('dispute-toggle'));
    await buttonsApart(buyer, 'delivery-actions');
    const o = await horizontalOverflow(buyer);
    expect(o.scrollWidth, `sideways scrolling: ${o.widest.join('; ')}`).toBeLessThanOrEqual(o.innerWidth);
    await s.shot(buyer, `hire-live-buyer-delivered-${buyerWidth}`);
    // read on the task page: not an unread message any more
    await poll(async () => (await hire(buyerToken, 'GET', '/me')).unread_messages).toBe(0);

    // the buyer disputes; both sides see it, the escrow stays held
    await buyer.getByTestId('dispute-toggle').click();
    await buyer.getByTestId('dispute-input').fill('Six syllables in the second line.');
    await buyer.getByTestId('dispute-button').click();
    await expectText(badge(buyer), 'disputed');
    await expectText(buyer.getByTestId('task-escrow'), /In escrow: 250 sats.*the operator decides how it is divided/);
    await expectAbsent(buyer.getByTestId('dispute-toggle'));
    await expectText(badge(contractor), 'disputed');
    await s.shot(buyer, `hire-live-buyer-disputed-${buyerWidth}`);
  });
}

for (const width of [390, 1280]) {
  browserTest(`${width}px: posting without a token sends nothing, keeps the draft across a top-up and comes back to it`, browser, async (s) => {
    const page = await s.page({ width, height: width > 500 ? 900 : 844 });
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === `${H}/tasks`) posts.push(r.url());
    });
    await page.goto(`${srv.url}/hire/new`);
    await page.getByTestId('task-title-input').fill(`Draft kept at ${width}`);
    await page.getByTestId('task-description-input').fill('Translate a menu into Spanish.');
    await page.getByTestId('task-budget-input').fill('120');
    await expectVisible(page.getByTestId('post-needs-token'));
    await expectAbsent(page.getByTestId('post-task-button'));
    await page.getByTestId('task-title-input').press('Enter'); // submitting the form sends nothing either
    await s.shot(page, `hire-post-needs-token-${width}`);

    await page.getByTestId('post-topup-link').click();
    await poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toBe('/topup?amount=100&return=%2Fhire%2Fnew');
    await expectText(page.getByTestId('topup-return-link'), '← Back to your task draft');
    await page.getByTestId('create-invoice-button').click();
    await page.getByTestId('dev-wallet-pay-button').click();
    await expectVisible(page.getByTestId('token-reveal'));
    await page.getByTestId('token-reveal-saved').check();
    await page.getByTestId('token-reveal-dismiss').click();
    await expectText(page.getByTestId('topup-done-return'), 'Back to your task draft');
    await s.shot(page, `hire-topup-done-return-${width}`);
    await page.getByTestId('topup-done-return').click();

    expect(await page.getByTestId('task-title-input').inputValue()).toBe(`Draft kept at ${width}`);
    expect(await page.getByTestId('task-description-input').inputValue()).toBe('Translate a menu into Spanish.');
    expect(await page.getByTestId('task-budget-input').inputValue()).toBe('120');
    expect(posts).toEqual([]);
    await page.getByTestId('post-task-button').click();
    await expectText(page.getByTestId('task-title'), `Draft kept at ${width}`);
    expect(posts).toHaveLength(1);
    // posted: the draft is gone
    await page.goto(`${srv.url}/hire/new`);
    expect(await page.getByTestId('task-title-input').inputValue()).toBe('');
  });
}
