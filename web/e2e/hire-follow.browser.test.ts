// A task page keeps its money and records current on live events alone (clock stopped: no poll):
// the contractor's header balance follows the buyer's confirmation at once, and the profile lines
// ("no closed deals yet", "not rated") follow the deal's completion and the rating given on it.
import { browserTest, deliveredDeal, expectText, hireApi, poll, showLazyPage, stopClock, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();
const hire = hireApi(srv);

browserTest('the contractor’s header balance and both profile lines follow the confirmation and the rating', browser, async (s) => {
  const { buyerToken, contractorToken, task, quote } = await deliveredDeal(srv, { title: 'Followed to the end', description: 'Watch the records.', priceSats: 60, quote: 'On it.', delivery: 'Done.' });
  const before = (await hire(contractorToken, 'GET', '/me')).balance_sats as number;

  const page = await s.page({ name: 'contractor', token: contractorToken });
  await stopClock(page);
  await page.goto(`${srv.url}/hire/tasks/${task.id}`);
  await showLazyPage(page);
  await poll(() => page.getByTestId('task-page').getAttribute('data-live')).toBe('true');
  const header = page.getByTestId('nav-account');
  await expectText(header, `${before} sats`);
  const buyerLine = page.locator(`[data-testid="profile-summary"][data-profile-id="${task.buyer_profile}"]`);
  const myLine = page.locator(`[data-testid="profile-summary"][data-profile-id="${quote.contractor_profile}"]`);
  await expectText(buyerLine, /no closed deals yet/);
  await expectText(myLine, /no closed deals yet/);

  await hire(buyerToken, 'POST', `/tasks/${task.id}/confirm`);
  await expectText(header, `${before + 60} sats`);
  await expectText(myLine, /1 of 1 deals completed · not rated/);
  await expectText(buyerLine, /1 of 1 deals completed · not rated/);

  // the contractor rates the buyer on the page: the buyer's line says it
  await page.getByTestId('rate-stars').selectOption('4');
  await page.getByTestId('rate-button').click();
  await expectText(page.getByTestId('rated'), /Thank you/);
  await expectText(buyerLine, /1 of 1 deals completed · ★ 4 \(1\)/);
});
