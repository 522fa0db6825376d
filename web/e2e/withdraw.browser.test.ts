// Withdrawing in development, at phone and desktop sizes: the Account page's withdraw form makes an
// invoice with the development payee wallet ("someone else's wallet"), pays it from the token's
// balance and shows what the payee received, the header's balance following at once; an invoice
// nobody can route to fails in words, with nothing taken and no raw Markdown.
import { afterAll, beforeAll, expect } from 'vitest';
import { BALANCE_REFRESH_MS } from '../src/lib/refresh.js';
import { startTestDevnode, type TestDevnode } from '../../server/testing/harness.js';
import { balanceOf, browserTest, expectText, expectVisible, fundToken, horizontalOverflow, showLazyPage, startDevServer, stopClock, useBrowser, type E2EServer } from './harness.js';

const browser = useBrowser();
let srv: E2EServer;
let stranger: TestDevnode;
beforeAll(async () => {
  srv = await startDevServer();
  stranger = await startTestDevnode();
});
afterAll(async () => {
  await srv?.close();
  await stranger?.close();
});

async function strangerInvoice(sats: number): Promise<string> {
  const res = await fetch(`${stranger.url}/createinvoice`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`:${stranger.password}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ amountSat: String(sats), description: 'a wallet nobody routes to' }).toString(),
  });
  return ((await res.json()) as { serialized: string }).serialized;
}

for (const [label, width, height] of [
  ['phone', 390, 844],
  ['desktop', 1280, 900],
] as const) {
  browserTest(`${label}: withdraw to an invoice of the development payee wallet`, browser, async (s) => {
    const token = await fundToken(srv, 500);
    const page = await s.page({ width, height, token });
    await stopClock(page); // the header's poll never fires: the withdrawal's answer alone moves it
    await page.goto(`${srv.url}/account`);
    await showLazyPage(page);
    await expectText(page.getByTestId('nav-account'), '500 sats');
    const form = page.getByTestId('collect-form');
    await expectVisible(form.getByTestId('dev-payee'));
    await form.getByTestId('dev-payee-amount').fill('120');
    await form.getByTestId('dev-payee-button').click();
    await expect.poll(() => form.getByTestId('collect-invoice-input').inputValue(), { timeout: 20_000 }).toMatch(/^lnbcrt1/);
    await s.shot(page, `withdraw-dev-invoice-${width}`);
    await form.getByTestId('collect-button').click();
    await expectText(form.getByTestId('collect-result'), /Paid 120 sats.*Balance now 380 sats/);
    await expectText(page.getByTestId('nav-account'), /^380 sats$/);
    await expectText(form.getByTestId('dev-payee-received'), /development payee wallet received it; its balance is now \d+ sats/);
    expect(await balanceOf(srv, token)).toBe(380);
    await expectText(page.getByTestId('balance-value'), '380 sats');
    // the poll, moved on, reads the same
    await page.clock.fastForward(BALANCE_REFRESH_MS + 500);
    await expectText(page.getByTestId('nav-account'), /^380 sats$/);
    expect((await horizontalOverflow(page)).scrollWidth).toBeLessThanOrEqual(width);
    await s.shot(page, `withdraw-paid-${width}`);
  });

  browserTest(`${label}: an invoice with no route fails in words, nothing taken`, browser, async (s) => {
    const token = await fundToken(srv, 300);
    const page = await s.page({ width, height, token });
    await page.goto(`${srv.url}/account`);
    const form = page.getByTestId('collect-form');
    await form.getByTestId('collect-invoice-input').fill(await strangerInvoice(50));
    await form.getByTestId('collect-button').click();
    const notice = form.getByTestId('error-notice');
    await expectText(notice, /The withdrawal did not go through.*the Lightning node answered: no route to node/);
    await expectText(notice, /Nothing was taken from the balance; .*Paste another invoice, or make a new one in your wallet\./);
    expect(await notice.textContent()).not.toMatch(/Correct the value/); // a routing failure is no typo
    expect(await notice.textContent()).not.toContain('`');
    expect(await balanceOf(srv, token)).toBe(300);
    await s.shot(page, `withdraw-no-route-${width}`);
  });
}

browserTest('withdrawing the whole balance names the most it can withdraw, with no top-up', browser, async (s) => {
  const token = await fundToken(srv, 2_000);
  const page = await s.page({ token });
  await page.goto(`${srv.url}/account`);
  const form = page.getByTestId('collect-form');
  await form.getByTestId('dev-payee-amount').fill('2000');
  await form.getByTestId('dev-payee-button').click();
  await expect.poll(() => form.getByTestId('collect-invoice-input').inputValue(), { timeout: 20_000 }).toMatch(/^lnbcrt/);
  await form.getByTestId('collect-button').click();
  // 0.5 % + 10 sats of reserve: 1,980 sats and its reserve fit in 2,000, 1,981 do not
  await expectText(form.getByTestId('collect-most'), 'The most you can withdraw now is 1,980 sats.');
  await expectText(form.getByTestId('error-notice'), /Your balance is 2,000 sats; this invoice would hold 2,020 sats with the routing-fee reserve/);
  expect(await form.getByRole('link', { name: /top up/i }).count()).toBe(0);
  expect(await form.getByTestId('error-notice').textContent()).not.toMatch(/top.?up/i);
  expect(await balanceOf(srv, token)).toBe(2_000);
});
