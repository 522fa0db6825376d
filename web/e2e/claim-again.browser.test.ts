// An invoice claimed once and claimed again by its claim secret (which answers the same token every
// time) is not a new token: the page says it is the token that invoice already made, with nothing
// credited now. And an expired invoice no longer offers "Copy invoice" or "Open in wallet app".
import { expect } from 'vitest';
import { call } from '../../server/testing/harness.js';
import { balanceOf, browserTest, expectAbsent, expectText, expectVisible, poll, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

browserTest('claiming by claim secret an invoice claimed before: the token it already made, nothing credited', browser, async (s) => {
  const created = await call(srv.url, 'POST', '/api/v1/topup', { body: { amount_sats: 5, claim_secret_only: true } });
  expect(created.status).toBe(201);
  const { invoice, payment_hash: paymentHash, claim_secret: claimSecret } = created.body as { invoice: string; payment_hash: string; claim_secret: string };
  await srv.pay(invoice);
  // claimed once elsewhere (a script, another browser)
  const first = await call(srv.url, 'POST', '/api/v1/topup/claim', { body: { payment_hash: paymentHash, claim_secret: claimSecret } });
  expect(first.status).toBe(200);
  const token = (first.body as { token: string }).token;

  const page = await s.page({ width: 390, height: 844 });
  await page.goto(`${srv.url}/topup`);
  await page.getByTestId('claim-paid-toggle').click();
  await page.getByTestId('claim-paid-hash').fill(paymentHash);
  await page.getByTestId('claim-paid-secret').fill(claimSecret);
  await page.getByTestId('claim-paid-secret-button').click();

  const reveal = page.getByTestId('token-reveal');
  await expectVisible(reveal);
  expect(((await page.getByTestId('token-reveal-text').textContent()) ?? '').trim()).toBe(token);
  await expectText(reveal.getByRole('heading', { level: 2 }), 'The token this invoice already made');
  await expectText(page.getByTestId('token-reveal-again'), 'This invoice was claimed before: this is the token it made then, not a new one, and nothing was credited now. Balance 5 sats.');
  expect(await reveal.textContent()).not.toMatch(/Credited|Your new token/);
  await expectText(page.getByTestId('claim-paid-done'), 'This invoice was already claimed: the token it made then is shown at the top of the page. Nothing was credited again.');
  expect(await balanceOf(srv, token)).toBe(5);
  await s.shot(page, 'topup-claim-again-390');
});

browserTest('an expired invoice offers no "Copy invoice" and no "Open in wallet app"', browser, async (s) => {
  const page = await s.page();
  await page.clock.install();
  await page.goto(`${srv.url}/topup`);
  await page.getByTestId('topup-amount-input').fill('150');
  await page.getByTestId('create-invoice-button').click();
  await expectVisible(page.getByTestId('copy-invoice-button'));
  await expectVisible(page.getByTestId('lightning-link'));
  const { expires_at: expiresAt } = (await call(srv.url, 'GET', `/api/v1/topup/${await page.evaluate(() => (JSON.parse(window.localStorage.getItem('abl.pendingTopups') ?? '[]') as { payment_hash: string }[])[0]!.payment_hash)}`)).body as {
    expires_at: number;
  };
  // past the expiry by the page's own clock, whatever the wall clock did meanwhile
  await page.clock.fastForward(expiresAt * 1000 - (await page.evaluate(() => Date.now())) + 2_000);
  await poll(() => page.getByTestId('invoice-status').getAttribute('data-status')).toBe('expired');
  await expectAbsent(page.getByTestId('copy-invoice-button'));
  await expectAbsent(page.getByTestId('lightning-link'));
  await expectText(page.getByTestId('new-invoice-button'), 'Create a new invoice');
});
