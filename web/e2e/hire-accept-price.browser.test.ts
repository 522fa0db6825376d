// The buyer's accept takes only a price the buyer agreed to (docs/hire.md): the confirmation keeps
// the price it was opened with. A price the contractor changes while it is open is said plainly and
// confirmed anew at the new price; one the page has not heard of is refused (409) and said in words,
// with nothing taken. The page's clock is stopped: only live events (or their absence) move the page.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { balanceOf, browserTest, expectText, fundToken, hireApi, poll, showLazyPage, stopClock, useBrowser, useDevServer } from './harness.js';

const H = '/api/v1/ai-for-hire';
const browser = useBrowser();
const srv = useDevServer();

const hire = hireApi(srv);
const badge = (page: Page) => page.getByTestId('task-page').locator('.page-head').getByTestId('status-badge');

/** an open task with one quote of 20 sats */
async function quotedTask(title: string) {
  const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 300), fundToken(srv, 100)]);
  const task = await hire(buyerToken, 'POST', '/tasks', { title, description: 'Name your price.', budget_sats: 100 });
  const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: 20, description: 'Twenty sats.' });
  return { buyerToken, contractorToken, taskId: task.id as string, quoteId: quote.id as string };
}

/** the expected_price_sats of each accept the page sends, as it leaves */
function acceptsSent(page: Page, taskId: string, quoteId: string): number[] {
  const sent: number[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === `${H}/tasks/${taskId}/quotes/${quoteId}/accept`) {
      sent.push((JSON.parse(r.postData() ?? '{}') as { expected_price_sats: number }).expected_price_sats);
    }
  });
  return sent;
}

browserTest('a price changed while the confirmation is open is said, and only the new price confirmed escrows it', browser, async (s) => {
  const { buyerToken, contractorToken, taskId, quoteId } = await quotedTask('Price moves while asked');
  const page = await s.page({ name: 'buyer', token: buyerToken, width: 390, height: 844 });
  const sent = acceptsSent(page, taskId, quoteId);
  await stopClock(page);
  await page.goto(`${srv.url}/hire/tasks/${taskId}`);
  await showLazyPage(page);
  await poll(() => page.getByTestId('task-page').getAttribute('data-live')).toBe('true');

  await expectText(page.getByTestId('accept-quote-button'), 'Accept for 20 sats');
  await page.getByTestId('accept-quote-button').click();
  const confirm = page.getByTestId('accept-quote-button-confirm');
  await expectText(confirm, 'Escrow 20 sats');

  // the contractor raises the price: the open question says so, and asks about the new price
  await hire(contractorToken, 'PATCH', `/tasks/${taskId}/quotes/${quoteId}`, { price_sats: 25 });
  await expectText(page.getByTestId('accept-price-changed'), 'The contractor changed the price from 20 to 25 sats.');
  await expectText(confirm, 'Escrow 25 sats');
  await expectText(page.getByTestId('accept-quote-dialog'), /Accept this quote\? 25 sats move from your balance into escrow/);
  expect(sent).toEqual([]);
  await s.shot(page, 'hire-accept-price-changed-390');

  const before = await balanceOf(srv, buyerToken);
  await confirm.click();
  await expectText(badge(page), 'awarded');
  expect(sent).toEqual([25]);
  await expectText(page.getByTestId('task-escrow'), /^In escrow: 25 sats/);
  expect(await balanceOf(srv, buyerToken)).toBe(before - 25);
});

browserTest('a change the page has not heard of: the accept at the price confirmed is refused, in words, nothing taken', browser, async (s) => {
  const { buyerToken, contractorToken, taskId, quoteId } = await quotedTask('Price moves unheard');
  const page = await s.page({ name: 'buyer', token: buyerToken });
  // no live events and a stopped clock (no 30 s poll): the page keeps the 20 sats it was shown
  await page.route('**/api/v1/ai-for-hire/events**', (r) =>
    r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal_error', message: 'No events today.' } }) }),
  );
  const sent = acceptsSent(page, taskId, quoteId);
  await stopClock(page);
  await page.goto(`${srv.url}/hire/tasks/${taskId}`);
  await showLazyPage(page);
  await page.getByTestId('accept-quote-button').click();
  await expectText(page.getByTestId('accept-quote-button-confirm'), 'Escrow 20 sats');

  await hire(contractorToken, 'PATCH', `/tasks/${taskId}/quotes/${quoteId}`, { price_sats: 25 });
  const before = await balanceOf(srv, buyerToken);
  await page.getByTestId('accept-quote-button-confirm').click();
  const refused = page.getByTestId(`quote-${quoteId}`).getByTestId('error-notice');
  await expectText(refused.getByTestId('error-notice-message'), 'The price changed to 25 sats; accept again at the new price.');
  await expectText(refused, /Nothing was taken from your balance\./);
  expect(await refused.textContent()).not.toMatch(/expected_price_sats|price_sats|"/);
  expect(sent).toEqual([20]);
  expect(await balanceOf(srv, buyerToken)).toBe(before);
  await s.shot(page, 'hire-accept-price-refused-1280');

  // the page read the task again: accepting now asks about 25 sats, and escrows them
  await expectText(page.getByTestId('accept-quote-button'), 'Accept for 25 sats');
  await page.getByTestId('accept-quote-button').click();
  await expectText(page.getByTestId('accept-quote-button-confirm'), 'Escrow 25 sats');
  await page.getByTestId('accept-quote-button-confirm').click();
  await expectText(badge(page), 'awarded');
  expect(sent).toEqual([20, 25]);
  expect(await balanceOf(srv, buyerToken)).toBe(before - 25);
});
