// A task page's requests, counted: the AI for Hire limits (60 a minute per address and per token)
// must leave room for a buyer with several tabs open. With the event stream connected an idle page
// asks nothing at all (five minutes of page time pass); an event costs one task fetch. Without the
// stream it polls every 30 s and never asks /me again. A 429 keeps the page (and the buyer's
// Confirm / Ask for changes / Dispute) on screen with a small notice, and nothing is asked until
// its Retry-After has passed. The page's clock is stopped and moved by hand: nothing sleeps.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { TASK_REFRESH_MS } from '../src/lib/refresh.js';
import { browserTest, expectAbsent, expectText, expectVisible, fundToken, hireApi, poll, showLazyPage, stopClock, useBrowser, useDevServer } from './harness.js';

const H = '/api/v1/ai-for-hire';
const browser = useBrowser();
const srv = useDevServer();

const hire = hireApi(srv);

/** a task awarded and delivered: its buyer's page offers Confirm, Ask for changes and Dispute */
async function deliveredTask(title: string) {
  const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 500), fundToken(srv, 100)]);
  const task = await hire(buyerToken, 'POST', '/tasks', { title, description: 'Count the requests.', budget_sats: 100 });
  const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: 100, description: 'Counted.' });
  await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/accept`, { expected_price_sats: 100 });
  await hire(contractorToken, 'POST', `/tasks/${task.id}/deliver`, { body: 'Done, counted.' });
  return { buyerToken, contractorToken, taskId: task.id as string, quoteId: quote.id as string };
}

/** the page's GETs of the task and of /me, counted as they leave */
function countRequests(page: Page, taskId: string) {
  const counts = { task: 0, me: 0 };
  page.on('request', (r) => {
    if (r.method() !== 'GET') return;
    const path = new URL(r.url()).pathname;
    if (path === `${H}/tasks/${taskId}`) counts.task += 1;
    if (path === `${H}/me`) counts.me += 1;
  });
  return counts;
}

async function expectBuyerActions(page: Page): Promise<void> {
  await expectVisible(page.getByTestId('confirm-delivery-button'));
  await expectVisible(page.getByTestId('request-revision-toggle'));
  await expectVisible(page.getByTestId('dispute-toggle'));
}

browserTest('with the event stream connected an idle task page asks nothing; an event costs one fetch', browser, async (s) => {
  const { buyerToken, contractorToken, taskId, quoteId } = await deliveredTask('Counted while live');
  const page = await s.page({ name: 'buyer', token: buyerToken });
  const counts = countRequests(page, taskId);
  await stopClock(page);
  await page.goto(`${srv.url}/hire/tasks/${taskId}`);
  await showLazyPage(page);
  await expectBuyerActions(page);
  await poll(() => page.getByTestId('task-page').getAttribute('data-live')).toBe('true');
  await expectVisible(page.getByTestId('task-live'));
  // the task once, and once more when the stream opened after its answer (what came between)
  await poll(() => counts.task >= 1 && counts.task <= 2).toBe(true);
  const loaded = counts.task;
  expect(counts.me).toBe(1);

  await page.clock.runFor(5 * 60_000);
  expect(counts).toEqual({ task: loaded, me: 1 });

  // a message from the contractor: the task once, and /me once (its unread count changed)
  await hire(contractorToken, 'POST', `/tasks/${taskId}/quotes/${quoteId}/messages`, { body: 'Anything else?' });
  await poll(() => counts.task).toBe(loaded + 1);
  await poll(() => counts.me).toBe(2);
  await page.clock.runFor(2 * 60_000);
  expect(counts).toEqual({ task: loaded + 1, me: 2 });
  await expectBuyerActions(page);
});

browserTest('without the event stream the page polls every 30 s, and a 429 holds it back for its Retry-After with the page kept', browser, async (s) => {
  const { buyerToken, taskId } = await deliveredTask('Counted without events');
  const page = await s.page({ name: 'buyer', token: buyerToken });
  await page.route('**/api/v1/ai-for-hire/events**', (r) =>
    r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal_error', message: 'No events today.' } }) }),
  );
  const counts = countRequests(page, taskId);
  await stopClock(page);
  await page.goto(`${srv.url}/hire/tasks/${taskId}`);
  await showLazyPage(page);
  await expectBuyerActions(page);
  expect(await page.getByTestId('task-page').getAttribute('data-live')).toBe('false');
  expect(counts).toEqual({ task: 1, me: 1 });

  // a slow poll of the task alone
  await page.clock.runFor(TASK_REFRESH_MS - 2_000);
  expect(counts.task).toBe(1);
  await page.clock.runFor(3_000);
  await poll(() => counts.task).toBe(2);

  // the next poll is refused: the page stays, with a notice saying when it asks again
  const taskUrl = `${srv.url}${H}/tasks/${taskId}`;
  await page.route(taskUrl, (r) =>
    r.fulfill({
      status: 429,
      headers: { 'Retry-After': '90' },
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests.' } }),
    }),
  );
  await page.clock.runFor(TASK_REFRESH_MS);
  await poll(() => counts.task).toBe(3);
  await expectText(page.getByTestId('stale-notice'), /^Too many requests — this page checks again in (90|89) s\. Showing what was last loaded\.$/);
  await expectText(page.getByTestId('delivery-body'), 'Done, counted.');
  await expectBuyerActions(page);
  await expectAbsent(page.getByText('Your role on this task could not be checked'));
  await expectAbsent(page.getByTestId('error-notice'));

  // nothing is asked while the wait lasts, however often the poll comes round
  await page.clock.runFor(60_000);
  expect(counts.task).toBe(3);
  await expectText(page.getByTestId('stale-notice'), /checks again in (30|29) s/);

  // the wait over: one refresh, the notice gone; /me was never asked again
  await page.unroute(taskUrl);
  await page.clock.runFor(31_000);
  await poll(() => counts.task).toBeGreaterThanOrEqual(4);
  await expectAbsent(page.getByTestId('stale-notice'));
  await expectBuyerActions(page);
  expect(counts.me).toBe(1);
});
