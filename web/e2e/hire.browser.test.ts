// AI for Hire through the UI with two browsers — a buyer and a contractor, each with a funded
// token: post, quote, talk, accept (escrow), deliver, confirm; the contractor is paid, and the
// ledger still balances. A milestone task's page follows the deal on live events alone (its
// polling clock never moves), shows both sides' reputation and takes the buyer's rating; the task
// board, at phone and desktop sizes, follows live events alone and shows each buyer's record.
import { expect } from 'vitest';
import { TASK_REFRESH_MS } from '../src/lib/refresh.js';
import { balanceOf, browserTest, expectAbsent, expectText, expectVisible, fundToken, hireApi, horizontalOverflow, poll, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

const POST_FEE = 50; // config.yaml hire.post_task_sats
const QUOTE_FEE = 10; // config.yaml hire.quote_sats
const PRICE = 300;
/** user text with no place to break: it must wrap, not widen a phone's page */
const LONG_LINK = 'https://example.com/' + 'summaryofthepaperwithnoplacetobreak'.repeat(4);

browserTest(
  'buyer posts, contractor quotes, they talk, buyer accepts into escrow, contractor delivers, buyer confirms, contractor is paid',
  browser,
  async (s) => {
    const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 1000), fundToken(srv, 100)]);
    const buyer = await s.page({ name: 'buyer', token: buyerToken });
    const contractor = await s.page({ name: 'contractor', token: contractorToken, width: 390, height: 844 });
    await contractor.clock.install(); // its polling is moved on by hand below

    // ── the buyer posts a task ──
    await buyer.goto(`${srv.url}/hire`);
    await buyer.getByTestId('post-task-link').click();
    await expectText(buyer.getByTestId('post-task-price'), /Posting costs 50 sats, paid from abl_/);
    await buyer.getByTestId('task-title-input').fill('Summarise a paper');
    await buyer.getByTestId('task-description-input').fill('Summarise arXiv 2401.00001 in 200 words.');
    await buyer.getByTestId('task-budget-input').fill('400');
    await buyer.getByTestId('post-task-button').click();
    await expectVisible(buyer.getByTestId('task-page'));
    await expectText(buyer.getByTestId('task-title'), 'Summarise a paper');
    await expectText(buyer.getByTestId('task-page').locator('.page-head').getByTestId('status-badge'), 'open');
    await expectText(buyer.getByTestId('task-page'), /you are the buyer/);
    const taskUrl = buyer.url();
    expect(new URL(taskUrl).pathname).toMatch(/^\/hire\/tasks\/[^/]+$/);

    // ── the contractor finds it in the list and quotes ──
    await contractor.goto(`${srv.url}/hire`);
    await contractor.getByTestId('task-card').filter({ hasText: 'Summarise a paper' }).getByRole('link').first().click();
    await expectVisible(contractor.getByTestId('quote-form'));
    expect(contractor.url()).toBe(taskUrl);
    await contractor.getByTestId('quote-price-input').fill(String(PRICE));
    await contractor.getByTestId('quote-description-input').fill('I will read it and write the summary.');
    await contractor.getByTestId('submit-quote-button').click();
    await expectVisible(contractor.getByTestId('edit-quote-toggle'));
    await expectText(contractor.getByTestId('quote-price'), '300 sats');
    await expectText(contractor.getByTestId('task-page'), /you quoted on this task/);

    // ── contractor → buyer → contractor: a message each way ──
    await contractor.getByTestId('messages-toggle').click();
    await contractor.getByTestId('message-input').fill('Hello, is there a length limit?');
    await contractor.getByTestId('send-message-button').click();
    await expectText(contractor.getByTestId('message').first(), /Hello, is there a length limit\?/);

    await buyer.reload();
    const quote = buyer.locator('article[data-testid^="quote-"]');
    await expectText(quote.getByTestId('quote-price'), '300 sats');
    await quote.getByTestId('messages-toggle').click();
    await expectText(buyer.getByTestId('message').first(), /contractor.*Hello, is there a length limit\?/);
    await buyer.getByTestId('message-input').fill(`200 words at most. Style guide: ${LONG_LINK}`);
    await buyer.getByTestId('send-message-button').click();
    await poll(() => buyer.getByTestId('message').count()).toBe(2);
    await expectText(buyer.getByTestId('message').nth(1), /buyer.*200 words at most\./);
    await s.shot(buyer, 'hire-buyer-messages-1280');

    // ── the buyer accepts: the price goes into escrow ──
    await quote.getByTestId('accept-quote-button').click();
    await expectText(buyer.getByRole('group'), /300 sats move from your balance into escrow/);
    await buyer.getByTestId('accept-quote-button-confirm').click();
    await expectText(buyer.getByTestId('task-page').locator('.page-head').getByTestId('status-badge'), 'awarded');
    expect(await balanceOf(srv, buyerToken)).toBe(1000 - POST_FEE - PRICE);

    // ── the contractor sees the reply and the award, then delivers ──
    await contractor.reload();
    await expectText(contractor.getByTestId('task-page').locator('.page-head').getByTestId('status-badge'), 'awarded');
    await contractor.getByTestId('messages-toggle').click();
    await poll(() => contractor.getByTestId('message').count()).toBe(2);
    await expectText(contractor.getByTestId('message').nth(1), /200 words at most\./);
    await contractor.getByTestId('deliver-input').fill(`The paper shows that small payments can buy AI work. Full text: ${LONG_LINK}`);
    await contractor.getByTestId('deliver-button').click();
    await expectText(contractor.getByTestId('delivery-body'), /small payments can buy AI work/);
    await expectText(contractor.getByTestId('task-page').locator('.page-head').getByTestId('status-badge'), 'delivered');
    const o = await horizontalOverflow(contractor);
    expect(o.scrollWidth, `the task page scrolls sideways at 390px: ${o.widest.join('; ')}`).toBeLessThanOrEqual(o.innerWidth);
    await s.shot(contractor, 'hire-contractor-delivered-390');

    // ── the buyer reads the delivery and confirms: escrow goes to the contractor ──
    await buyer.reload();
    await expectText(buyer.getByTestId('delivery-body'), /small payments can buy AI work/);
    await buyer.getByTestId('confirm-delivery-button').click();
    await buyer.getByTestId('confirm-delivery-button-confirm').click();
    await expectText(buyer.getByTestId('task-outcome'), 'Completed: 300 sats went to the contractor.');
    await expectText(buyer.getByTestId('task-page').locator('.page-head').getByTestId('status-badge'), 'completed');
    await s.shot(buyer, 'hire-buyer-completed-1280');

    // ── the contractor reads it from its side (the page refreshes itself) ──
    await contractor.clock.fastForward(TASK_REFRESH_MS + 1000);
    await expectText(contractor.getByTestId('task-outcome'), 'Completed: 300 sats were added to your balance. Withdraw them from the Account page.');
    await s.shot(contractor, 'hire-contractor-completed-390');

    // ── the contractor's Account page shows the payment ──
    const contractorBalance = 100 - QUOTE_FEE + PRICE;
    await contractor.getByTestId('nav-account').click();
    await expectText(contractor.getByTestId('balance-value'), `${contractorBalance} sats`);
    await expectText(contractor.getByTestId('hire-me'), /Your quotes \(1\)/);
    await expectText(contractor.getByTestId('hire-me').getByTestId('status-badge'), 'accepted');
    await s.shot(contractor, 'account-contractor-390');

    // ── the money, checked through the API and the ledger audit ──
    expect(await balanceOf(srv, buyerToken)).toBe(1000 - POST_FEE - PRICE);
    expect(await balanceOf(srv, contractorToken)).toBe(contractorBalance);
    const audit = await srv.server.ledger.audit();
    expect(audit.problems).toEqual([]);
    expect(audit.ok).toBe(true);
    expect(audit.totals.escrowMsat).toBe(0n);
    expect(audit.totals.revenueMsat).toBe(BigInt((POST_FEE + QUOTE_FEE) * 1000));
  },
  150_000,
);

browserTest('a milestone task page follows the deal on live events, shows reputation, and takes a rating', browser, async (s) => {
  const hire = hireApi(srv);
  const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 1000), fundToken(srv, 100)]);
  const milestones = [
    { title: 'Outline', amount_sats: 100 },
    { title: 'Final as JSON', amount_sats: 200, acceptance: { json_schema: { type: 'object', required: ['text'] } } },
  ];
  const task = await hire(buyerToken, 'POST', '/tasks', { title: 'Milestone essay', description: 'Outline first.', milestones });

  const buyer = await s.page({ name: 'buyer', token: buyerToken, width: 390, height: 844 });
  await buyer.clock.install(); // the page's polling never fires: only events can update it
  await buyer.goto(`${srv.url}/hire/tasks/${task.id}`);
  await expectText(buyer.getByTestId('milestones').locator('h2'), /Milestones \(0 sats of 300 sats released\)/);
  await expectText(buyer.getByTestId('milestone-1'), /Final as JSON · 200 sats.*pending.*JSON Schema/s);
  await expectText(buyer.getByTestId('profile-summary').first(), /Buyer prf_.* no closed deals yet/);

  const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: 300, description: 'Both parts' });
  const quoteCard = buyer.getByTestId(`quote-${quote.id}`);
  await expectText(quoteCard.getByTestId('profile-summary'), /Contractor prf_/);
  await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/accept`, { expected_price_sats: 300 });
  await expectText(buyer.getByTestId('milestone-0'), /in work/);
  await hire(contractorToken, 'POST', `/tasks/${task.id}/deliver`, { body: 'An outline' });
  await expectText(buyer.getByTestId('milestone-0'), /delivered/);
  await hire(buyerToken, 'POST', `/tasks/${task.id}/confirm`);
  await expectText(buyer.getByTestId('milestone-0'), /released/);
  await expectText(buyer.getByTestId('milestones').locator('h2'), /100 sats of 300 sats released/);
  await hire(contractorToken, 'POST', `/tasks/${task.id}/deliver`, { body: '{"text": "The essay"}' });
  await expectText(buyer.getByTestId('task-page').locator('.page-head').getByTestId('status-badge'), 'completed');
  await expectText(buyer.getByTestId('milestone-1'), /released/);

  // the buyer rates the contractor; the contractor's record shows it
  await buyer.getByTestId('rate-stars').selectOption('4');
  await buyer.getByTestId('rate-deal').getByRole('button', { name: 'Rate' }).click();
  await expectVisible(buyer.getByTestId('rated'));
  await buyer.reload();
  // after a reload too: the task says the buyer rated it, so no form offers a second rating
  await expectText(buyer.getByTestId('rated'), 'You rated the contractor for this deal; a rating stays as given.');
  await expectAbsent(buyer.getByTestId('rate-deal'));
  await expectText(buyer.getByTestId(`quote-${quote.id}`).getByTestId('profile-rating'), '★ 4 (1)');
  await expectText(buyer.getByTestId(`quote-${quote.id}`).getByTestId('profile-deals'), '1 of 1 deals completed');
  expect((await horizontalOverflow(buyer)).widest).toEqual([]);
});

for (const width of [390, 1280]) {
  browserTest(`${width}px: the board follows live events — a new task appears, a quote counts, an accepted task leaves the open list — and shows each buyer's record`, browser, async (s) => {
    const hire = hireApi(srv);
    const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 1000), fundToken(srv, 200)]);
    // a closed, rated deal first: the buyer's record has something to show
    const done = await hire(buyerToken, 'POST', '/tasks', { title: `Earlier deal ${width}`, description: 'd', budget_sats: 20 });
    const doneQuote = await hire(contractorToken, 'POST', `/tasks/${done.id}/quotes`, { price_sats: 20, description: 'q' });
    await hire(buyerToken, 'POST', `/tasks/${done.id}/quotes/${doneQuote.id}/accept`, { expected_price_sats: 20 });
    await hire(contractorToken, 'POST', `/tasks/${done.id}/deliver`, { body: 'done' });
    await hire(buyerToken, 'POST', `/tasks/${done.id}/confirm`);
    await hire(contractorToken, 'POST', `/tasks/${done.id}/rating`, { stars: 5 });

    const board = await s.page({ name: 'contractor', token: contractorToken, width, height: width > 500 ? 900 : 844 });
    await board.clock.install(); // nothing timed runs: only events can change the list
    await board.goto(`${srv.url}/hire?status=open`);
    await poll(() => board.getByTestId('live-board').getAttribute('data-listening')).toBe('true');

    // posted elsewhere: on the board without a reload, with its buyer's record in short
    const task = await hire(buyerToken, 'POST', '/tasks', { title: `Live board ${width}`, description: 'Fresh work.', budget_sats: 80 });
    const card = board.locator(`[data-testid="task-card"][data-task-id="${task.id}"]`);
    await expectText(card.locator('.task-title'), `Live board ${width}`);
    await expectText(card.getByTestId('buyer-reputation'), 'buyer: 1 of 1 deals completed · ★ 5 (1)');
    await expectText(card.getByTestId('task-quote-count'), '0 quotes');

    // the viewer quotes (from elsewhere): the count follows; the buyer accepts: it leaves the open list
    const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: 80, description: 'Mine.' });
    await expectText(card.getByTestId('task-quote-count'), '1 quote');
    await s.shot(board, `hire-board-live-${width}`);
    await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/accept`, { expected_price_sats: 80 });
    await poll(() => card.count()).toBe(0);
    expect((await horizontalOverflow(board)).widest).toEqual([]);
  });
}
