// The Account page's low-balance alert: read as the server has it (set by an agent over the API
// too), set from the page with thousands separators, kept across a reload, cleared.
import { expect } from 'vitest';
import { call } from '../../server/testing/harness.js';
import { browserTest, expectText, fundToken, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

const alertOf = async (token: string) => (await call(srv.url, 'GET', '/api/v1/balance/alert', { headers: { 'X-Token': token } })).body.below_sats;

browserTest('the low-balance alert: read, set, kept, cleared', browser, async (s) => {
  const token = await fundToken(srv, 100);
  const page = await s.page({ token, width: 390 });
  await page.goto(`${srv.url}/account`);
  const card = page.getByTestId('balance-alert');
  const now = card.getByTestId('balance-alert-now');
  await expectText(now, 'No alert set.');
  expect(await card.getByTestId('balance-alert-clear').count()).toBe(0);

  await card.getByTestId('balance-alert-input').fill('0');
  await card.getByTestId('balance-alert-set').click();
  await expectText(card, /The alert needs at least 1 sat\./);
  await card.getByTestId('balance-alert-input').fill('1,500');
  await card.getByTestId('balance-alert-set').click();
  await expectText(now, 'Paid answers say the balance is low (X-Balance-Low) once it is below 1,500 sats.');
  expect(await alertOf(token)).toBe(1500);

  // set by an agent over the API: the page reads it
  await call(srv.url, 'PUT', '/api/v1/balance/alert', { headers: { 'X-Token': token }, body: { below_sats: 40 } });
  await page.reload();
  await expectText(now, /once it is below 40 sats\.$/);
  await card.getByTestId('balance-alert-clear').click();
  await expectText(now, 'No alert set.');
  expect(await alertOf(token)).toBe(null);
});
