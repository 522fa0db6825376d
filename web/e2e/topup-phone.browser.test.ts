// A new token paid from a phone: the page shows the QR, another party pays it (the development
// node's pay API, never the page), and the page shows the token — no preimage asked — also after a
// reload, after the tab was discarded, and in another tab of the same browser. And the visible
// "I paid but have no token" path: claiming an invoice made elsewhere with its preimage; and the
// catalog marking an API the development-mode demo answers.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { call } from '../../server/testing/harness.js';
import { balanceOf, browserTest, expectAbsent, expectText, expectVisible, poll, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

const PENDING_KEY = 'abl.pendingTopups';

async function createInvoice(page: Page, sats: number): Promise<{ bolt11: string; paymentHash: string }> {
  await page.goto(`${srv.url}/topup`);
  await page.getByTestId('topup-amount-input').fill(String(sats));
  await page.getByTestId('create-invoice-button').click();
  await expectText(page.getByTestId('invoice-panel').getByRole('heading', { level: 2 }), `Pay ${sats.toLocaleString('en-US')} sats`);
  const bolt11 = await page.getByTestId('invoice-text').inputValue();
  // what a reload needs is in localStorage: the invoice and its claim secret (never a token)
  const stored = await page.evaluate((key) => JSON.parse(window.localStorage.getItem(key) ?? '[]') as { payment_hash: string; claim_secret: string; invoice: string }[], PENDING_KEY);
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ invoice: bolt11, claim_secret: expect.stringMatching(/^ablc_/) });
  return { bolt11, paymentHash: stored[0]!.payment_hash };
}

async function revealedToken(page: Page): Promise<string> {
  await expectVisible(page.getByTestId('token-reveal'));
  return ((await page.getByTestId('token-reveal-text').textContent()) ?? '').trim();
}

describe('a new token paid out of band (a phone wallet scanning the QR)', () => {
  browserTest('the page shows the token without any preimage, again after a reload and in another tab; saving it ends the watch', browser, async (s) => {
    const page = await s.page({ name: 'qr' });
    const { bolt11, paymentHash } = await createInvoice(page, 321);
    await expectText(page.getByTestId('invoice-status'), /Waiting for payment/);
    await expectText(page.getByTestId('invoice-panel'), /Paying from a phone\? Scan the code: this page shows your token as soon as it is paid/);
    await s.shot(page, 'topup-phone-waiting-1280');

    // someone else pays: the page never touches a wallet and never learns the preimage
    await srv.pay(bolt11);
    const token = await revealedToken(page);
    expect(token).toMatch(/^abl_[A-Za-z0-9_-]{32}$/);
    await expectText(page.getByTestId('token-reveal'), /Credited 321 sats\. Balance 321 sats\./);
    await expectVisible(page.getByTestId('topup-done'));
    await expectAbsent(page.getByTestId('preimage-form'));
    expect(await balanceOf(srv, token)).toBe(321);
    await s.shot(page, 'topup-phone-paid-1280');

    // a reload (or the browser bringing back a discarded tab): the same token, shown again, credited once
    await page.reload();
    expect(await revealedToken(page)).toBe(token);
    await expectVisible(page.getByTestId('topup-done'));
    await s.shot(page, 'topup-phone-reloaded-1280');

    // another tab of the same browser, on another page of the app
    const other = await page.context().newPage();
    other.on('pageerror', (e) => s.pageErrors.push(`[other tab] ${e.message}`));
    await other.goto(`${srv.url}/catalog`);
    expect(await revealedToken(other)).toBe(token);
    await other.close();
    expect(await balanceOf(srv, token)).toBe(321);
    expect((await call(srv.url, 'GET', `/api/v1/topup/${paymentHash}`)).body).toMatchObject({ status: 'paid', credited: true, claimed: true });

    // saved: the invoice is no longer watched, a reload shows no token
    await page.getByTestId('token-reveal-saved').check();
    await page.getByTestId('token-reveal-dismiss').click();
    await expectAbsent(page.getByTestId('token-reveal'));
    await poll(() => page.evaluate((key) => window.localStorage.getItem(key), PENDING_KEY)).toBe(null);
    await page.reload();
    await expectVisible(page.getByTestId('create-invoice-button'));
    await expectAbsent(page.getByTestId('token-reveal'), 1_000);
  });

  browserTest('the tab was discarded before the payment: a new tab of the same browser gets the token', browser, async (s) => {
    const page = await s.page({ name: 'discarded' });
    const { bolt11 } = await createInvoice(page, 55);
    const context = page.context();
    const tab = await context.newPage(); // keeps the browser context open while the first tab goes
    await page.close();
    await srv.pay(bolt11);
    tab.on('pageerror', (e) => s.pageErrors.push(`[tab] ${e.message}`));
    await tab.goto(`${srv.url}/topup`);
    const token = await revealedToken(tab);
    await expectText(tab.getByTestId('topup-done'), /55 sats are on your new token/);
    expect(await balanceOf(srv, token)).toBe(55);
    await s.shot(tab, 'topup-phone-discarded-1280');
  });

  browserTest('"I paid but have no token": an invoice made elsewhere, claimed on the page with its preimage', browser, async (s) => {
    const created = await call(srv.url, 'POST', '/api/v1/topup', { body: { amount_sats: 42 } });
    const preimage = await srv.pay(created.body.invoice);
    const page = await s.page({ name: 'claim-paid', width: 360 });
    await page.goto(`${srv.url}/topup`);
    await page.getByTestId('claim-paid-toggle').click();
    await expectText(page.getByTestId('claim-paid'), /This browser is not waiting for any invoice\./);
    await page.getByTestId('claim-paid-preimage').fill(preimage);
    await page.getByTestId('claim-paid-preimage-button').click();
    const token = await revealedToken(page);
    await expectText(page.getByTestId('claim-paid-done'), /42 sats credited/);
    expect(await balanceOf(srv, token)).toBe(42);
    await s.shot(page, 'topup-claim-paid-360');
  });

  browserTest('"I paid but have no token" with a preimage: a new token made in another browser, and a refill, each said truly', browser, async (s) => {
    // a new-token invoice as the web app makes it (the token the claim secret's alone), in another browser
    const created = await call(srv.url, 'POST', '/api/v1/topup', { body: { amount_sats: 100, claim_secret_only: true } });
    const preimage = await srv.pay(created.body.invoice);
    const page = await s.page({ name: 'claim-paid-new', width: 360 });
    await page.goto(`${srv.url}/topup`);
    await page.getByTestId('claim-paid-toggle').click();
    await page.getByTestId('claim-paid-preimage').fill(preimage);
    await page.getByTestId('claim-paid-preimage-button').click();
    const done = page.getByTestId('claim-paid-done');
    await expectText(done, /^100 sats credited to the new token this invoice bought\. A preimage does not show that token: it is shown in the browser that created the invoice/);
    expect(await done.textContent()).not.toMatch(/refills/);
    await expectAbsent(page.getByTestId('token-reveal'), 1_000);

    // a refill, claimed by its preimage without its token
    const refilled = await call(srv.url, 'POST', '/api/v1/topup', { body: { amount_sats: 1 } });
    const token = (await call(srv.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await srv.pay(refilled.body.invoice) } })).body.token as string;
    const refill = await call(srv.url, 'POST', '/api/v1/topup', { headers: { 'X-Token': token }, body: { amount_sats: 30 } });
    await page.getByTestId('claim-paid-preimage').fill(await srv.pay(refill.body.invoice));
    await page.getByTestId('claim-paid-preimage-button').click();
    await expectText(done, '30 sats credited to the token this invoice refills: its balance shows them there. No new token was made.');
    expect(await balanceOf(srv, token)).toBe(31);
  });
});

describe('development mode in the catalog', () => {
  browserTest('an API without its key is marked as answered by the demo; a configured one is not', browser, async (s) => {
    const page = await s.page({ name: 'catalog-demo' });
    await page.goto(`${srv.url}/catalog`);
    // this server has the (fake) OpenAI key and no Anthropic key
    await expectText(page.getByTestId('api-demo-anthropic'), /Demo answers\. This development server has no key for Anthropic/);
    await expectAbsent(page.getByTestId('api-demo-openai'), 1_000);
    await page.getByTestId('api-demo-anthropic').scrollIntoViewIfNeeded();
    await s.shot(page, 'catalog-demo-1280', { fullPage: false });
  });
});

