// Where focus goes when a button makes new content and is gone: "Create invoice" → the invoice;
// "Done, hide it" on a new token → the page's next step ("Payment received"). Never <body>.
import { browserTest, expectVisible, poll, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

browserTest('focus goes on to the invoice, then from the saved token to the next step', browser, async (s) => {
  const page = await s.page();
  const focused = () => page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()} ${document.activeElement?.textContent?.trim() ?? ''}`);
  await page.goto(`${srv.url}/topup`);
  await page.getByTestId('topup-amount-input').fill('100');
  await page.getByTestId('topup-amount-input').press('Enter');
  await expectVisible(page.getByTestId('invoice-panel'));
  await poll(focused).toBe('h2 Pay 100 sats');

  await page.getByTestId('dev-wallet-pay-button').click();
  await poll(focused).toBe('h2 Your new token'); // the token comes first
  await page.getByTestId('token-reveal-saved').check();
  await page.getByTestId('token-reveal-dismiss').click();
  await poll(focused).toBe('h2 Payment received');
});
