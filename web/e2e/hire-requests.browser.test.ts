// What browsing AI for Hire costs of the server's per-address budget (ABL_RATE_LIMIT, 60 a minute
// for the free marketplace endpoints): list → task → back, counted per cycle, and what a burst of
// live events costs an open page; and a board refused with a 429 comes back by itself. The page's clock is stopped: nothing polls, nothing sleeps.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { browserTest, expectAbsent, expectText, expectVisible, fundToken, hireApi, poll, showLazyPage, stopClock, useBrowser, useDevServer } from './harness.js';

const H = '/api/v1/ai-for-hire';
const browser = useBrowser();
const srv = useDevServer();
const hire = hireApi(srv);

/** every request the page sends to the marketplace (what the per-address limit counts) */
function countHire(page: Page): { all: string[] } {
  const seen = { all: [] as string[] };
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith(H)) seen.all.push(`${r.method()} ${path.slice(H.length)}`);
  });
  return seen;
}

const boardLive = (page: Page) => poll(() => page.getByTestId('live-board').getAttribute('data-listening')).toBe('true');
const taskLive = (page: Page) => poll(() => page.getByTestId('task-page').getAttribute('data-live')).toBe('true');

browserTest('list → task → back costs at most 3 marketplace requests a cycle; a burst of events on a task page one task fetch', browser, async (s) => {
  const [buyerToken, contractorToken, visitorToken] = await Promise.all([fundToken(srv, 500), fundToken(srv, 100), fundToken(srv, 100)]);
  const tasks = [];
  for (const title of ['Counted one', 'Counted two', 'Counted three']) tasks.push(await hire(buyerToken, 'POST', '/tasks', { title, description: 'Count the requests.', budget_sats: 50 }));
  const target = tasks[0];
  const quote = await hire(contractorToken, 'POST', `/tasks/${target.id}/quotes`, { price_sats: 40, description: 'Counted.' });

  const page = await s.page({ name: 'visitor', token: visitorToken });
  const seen = countHire(page);
  await stopClock(page);
  await page.goto(`${srv.url}/hire`);
  await showLazyPage(page);
  await boardLive(page);

  const cycle = async () => {
    await page.locator(`[data-task-id="${target.id}"] h2 a`).click();
    await page.clock.runFor(500); // a lazy page shows 300 ms after its skeleton
    await expectVisible(page.getByTestId(`quote-${quote.id}`));
    await poll(() => page.getByTestId('profile-summary').last().textContent()).toMatch(/no closed deals yet/);
    await taskLive(page);
    await page.getByRole('link', { name: '← All tasks' }).click();
    await page.clock.runFor(500);
    await expectVisible(page.locator(`[data-task-id="${target.id}"]`));
    await boardLive(page);
  };
  await cycle(); // the first visit loads the task page's code and the profiles
  const perCycle: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = seen.all.length;
    await cycle();
    perCycle.push(seen.all.length - before);
  }
  console.log(`marketplace requests per list → task → back cycle: ${perCycle.join(', ')}\n${seen.all.slice(-perCycle.at(-1)!).join('\n')}`);
  for (const n of perCycle) expect(n).toBeLessThanOrEqual(3);

  // the buyer's task page: two edits of a quote cost one task fetch on their way and at most one
  // after them, nothing else
  const buyer = await s.page({ name: 'buyer', token: buyerToken });
  const buyerSeen = countHire(buyer);
  await stopClock(buyer);
  await buyer.goto(`${srv.url}/hire/tasks/${target.id}`);
  await showLazyPage(buyer);
  await expectVisible(buyer.getByTestId(`quote-${quote.id}`));
  await taskLive(buyer);
  const before = buyerSeen.all.length;
  await hire(contractorToken, 'PATCH', `/tasks/${target.id}/quotes/${quote.id}`, { price_sats: 45 });
  await hire(contractorToken, 'PATCH', `/tasks/${target.id}/quotes/${quote.id}`, { price_sats: 48 });
  await poll(() => buyer.getByTestId(`quote-${quote.id}`).getByTestId('quote-price').textContent()).toBe('48 sats');
  const burst = buyerSeen.all.slice(before);
  console.log(`marketplace requests for two quote edits seen on a task page: ${burst.length}\n${burst.join('\n')}`);
  expect(burst.every((r) => r === `GET /tasks/${target.id}`)).toBe(true);
  expect(burst.length).toBeLessThanOrEqual(2);
});

browserTest('a board refused with a 429 loads again by itself once the wait is over, and follows live events again', browser, async (s) => {
  const [buyerToken, visitorToken] = await Promise.all([fundToken(srv, 500), fundToken(srv, 100)]);
  await hire(buyerToken, 'POST', '/tasks', { title: 'Listed before the wait', description: 'Seen after it.', budget_sats: 50 });
  const page = await s.page({ name: 'visitor', token: visitorToken });
  const tooMany = { status: 429, headers: { 'Retry-After': '20' }, contentType: 'application/json', body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests.' } }) };
  const list = (url: URL) => url.pathname === `${H}/tasks` || url.pathname === `${H}/events`;
  await page.route(list, (r) => r.fulfill(tooMany));
  await stopClock(page);
  await page.goto(`${srv.url}/hire`);
  await showLazyPage(page);
  await expectText(page.getByTestId('error-notice'), /Tasks could not be loaded.*Too many requests — try again in 2\d s\..*tries again by itself/);

  // the wait over: the list and the stream come back with nothing clicked
  await page.unroute(list);
  await page.clock.runFor(21_000);
  await expectVisible(page.getByText('Listed before the wait'));
  await expectAbsent(page.getByTestId('error-notice'));
  await boardLive(page);
  const posted = await hire(buyerToken, 'POST', '/tasks', { title: 'Posted after the wait', description: 'Shown live.', budget_sats: 50 });
  await expectVisible(page.locator(`[data-task-id="${posted.id}"]`));
});
