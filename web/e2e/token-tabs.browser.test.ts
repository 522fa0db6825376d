// "Forget token" in one tab forgets it in every open tab of the browser: the others stop showing
// the balance and can no longer spend (the browser's `storage` event; nothing is polled, the
// clocks are stopped). Two tabs of one browser context share its localStorage, as a browser's do.
import { expect } from 'vitest';
import { browserTest, expectAbsent, expectText, expectVisible, fundToken, showLazyPage, stopClock, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

browserTest('"Forget token" in one tab leaves no other tab showing the balance or able to spend', browser, async (s) => {
  const token = await fundToken(srv, 300);
  const account = await s.page({ name: 'account', token });
  const catalog = await account.context().newPage();
  for (const page of [account, catalog]) await stopClock(page);
  await catalog.goto(`${srv.url}/catalog#openai-chat-completions`);
  await showLazyPage(catalog);
  await expectText(catalog.getByTestId('nav-account'), '300 sats');
  const chat = catalog.getByTestId('endpoint-openai-chat-completions');
  await chat.getByTestId('try-it-toggle').click();
  expect(await chat.getByTestId('try-it-button').isEnabled()).toBe(true);

  await account.goto(`${srv.url}/account`);
  await showLazyPage(account);
  await account.getByTestId('forget-token-button').click();
  await account.getByTestId('confirm-forget-token-button').click();
  await expectVisible(account.getByTestId('token-input'));

  // the other tab, untouched: no balance, no token to spend
  await expectText(catalog.getByTestId('nav-account'), 'Account');
  await expectVisible(chat.getByTestId('need-token'));
  expect(await chat.getByTestId('try-it-button').isDisabled()).toBe(true);
  await expectAbsent(catalog.locator('.balance-chip'));
});
