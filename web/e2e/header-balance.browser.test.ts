// The header's balance follows each paid "Try it" answer at once: its X-Balance-Sats, not the 15 s
// poll (the page's clock is stopped, so nothing timed runs); a new token's banner says the same
// balance after a spend, not the one its claim answered. Real server, real HTTP, real Chromium.
import { afterAll, describe, expect } from 'vitest';
import { FLAT_PRICES, writeFlatPricedConfig } from '../../server/testing/flat-prices.js';
import { balanceOf, browserTest, expectText, expectVisible, fundToken, showLazyPage, stopClock, tryItOnce, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
// the catalog example's gpt-4o-mini at a flat 30 sats a call: each call moves the balance by whole sats
const flat = writeFlatPricedConfig();
afterAll(() => flat.remove());
const srv = useDevServer({ ABL_CONFIG: flat.path });

const FUNDED = 500;
const sats = (n: number): RegExp => new RegExp(`^${n.toLocaleString('en-US')} sats?$`);

describe('the balance in the header', () => {
  browserTest('follows each paid "Try it" call at once, as the panel and the API say it', browser, async (s) => {
    const token = await fundToken(srv, FUNDED);
    const page = await s.page({ token });
    await stopClock(page); // the header's poll never fires: only the answers can move it
    await page.goto(`${srv.url}/catalog#openai-chat-completions`);
    await showLazyPage(page);
    const header = page.getByTestId('nav-account');
    await expectText(header, sats(FUNDED));

    const chat = page.getByTestId('endpoint-openai-chat-completions');
    await chat.getByTestId('try-it-toggle').click();
    let before = FUNDED;
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      await tryItOnce(chat, seen);
      const now = await balanceOf(srv, token);
      expect(now).toBe(before - FLAT_PRICES['gpt-4o-mini']!);
      await expectText(chat.getByTestId('try-it-balance'), sats(now));
      await expectText(header, sats(now));
      expect(await header.getAttribute('aria-label')).toBe(`Account, balance ${now.toLocaleString('en-US')} ${now === 1 ? 'sat' : 'sats'}`);
      before = now;
    }
  });

  browserTest('a new token’s banner says the balance the header says, after a paid call too', browser, async (s) => {
    const page = await s.page();
    await page.goto(`${srv.url}/topup`);
    await page.getByTestId('topup-amount-input').fill('100');
    await page.getByTestId('create-invoice-button').click();
    await page.getByTestId('dev-wallet-pay-button').click();
    const reveal = page.getByTestId('token-reveal');
    await expectVisible(reveal);
    const header = page.getByTestId('nav-account');
    await expectText(header, sats(100));
    await expectText(reveal, /Credited 100 sats\. Balance 100 sats\./);

    // spent in the app without a reload: the banner is still on screen, on every page
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
    const chat = page.getByTestId('endpoint-openai-chat-completions');
    await chat.getByTestId('try-it-toggle').click();
    await tryItOnce(chat, []);
    const now = 100 - FLAT_PRICES['gpt-4o-mini']!;
    expect(await balanceOf(srv, ((await page.getByTestId('token-reveal-text').textContent()) ?? '').trim())).toBe(now);
    await expectText(header, sats(now));
    await expectText(reveal, new RegExp(`Credited 100 sats\\. Balance ${now} sats\\.`));
  });

  browserTest('a refill invoice survives a reload; paid from elsewhere, "Payment received" and the header’s new balance at once', browser, async (s) => {
    const token = await fundToken(srv, FUNDED);
    const page = await s.page({ token });
    await stopClock(page); // the header's 15 s poll never fires: only the paid invoice moves it
    await page.goto(`${srv.url}/topup`);
    await showLazyPage(page);
    await page.getByTestId('topup-amount-input').fill('70');
    await page.getByTestId('create-invoice-button').click();
    const panel = page.getByTestId('invoice-panel');
    await expectText(panel, /Pay 70 sats.*Credits your token/);
    const bolt11 = await page.getByTestId('invoice-text').inputValue();

    await page.reload();
    await showLazyPage(page);
    await expectText(panel, /Pay 70 sats.*Credits your token/);
    expect(await page.getByTestId('invoice-text').inputValue()).toBe(bolt11);
    await expectText(page.getByTestId('nav-account'), sats(FUNDED));

    await srv.pay(bolt11); // a phone wallet: the page hears nothing but the invoice's status
    await page.clock.runFor(2_000); // the watcher's next status read (1.5 s)
    await expectText(page.getByTestId('topup-done'), /^Payment received.*Added 70 sats to your token\. Balance now 570 sats\./);
    await expectText(page.getByTestId('nav-account'), sats(FUNDED + 70));
    expect(await balanceOf(srv, token)).toBe(FUNDED + 70);
    // done with: another reload shows the amount form, not the paid invoice
    await page.reload();
    await showLazyPage(page);
    await expectVisible(page.getByTestId('topup-amount-input'));
  });

  browserTest('a refill invoice open in two tabs: paid, each says "Payment received" and its header the new balance, whichever tab heard first', browser, async (s) => {
    const token = await fundToken(srv, FUNDED);
    const first = await s.page({ name: 'first', token });
    const second = await first.context().newPage(); // the same browser: one localStorage
    second.on('pageerror', (e) => s.pageErrors.push(`[second] ${e.message}`));
    for (const page of [first, second]) await stopClock(page); // no poll fires unless the test moves a clock
    await first.goto(`${srv.url}/topup`);
    await showLazyPage(first);
    await first.getByTestId('topup-amount-input').fill('77');
    await first.getByTestId('topup-target-refill').check();
    await first.getByTestId('create-invoice-button').click();
    await expectText(first.getByTestId('invoice-panel'), /Pay 77 sats.*Credits your token/);
    const bolt11 = await first.getByTestId('invoice-text').inputValue();

    await second.goto(`${srv.url}/topup`);
    await showLazyPage(second);
    await expectText(second.getByTestId('invoice-panel'), /Pay 77 sats.*Credits your token/);
    expect(await second.getByTestId('invoice-text').inputValue()).toBe(bolt11);
    // the first tab still asks about its invoice with the second one open
    const asked = first.waitForRequest((r) => /\/api\/v1\/topup\/[0-9a-f]{64}$/.test(new URL(r.url()).pathname));
    await first.clock.runFor(2_000);
    await asked;
    await expectText(first.getByTestId('invoice-status'), /Waiting for payment/);

    await srv.pay(bolt11); // a phone wallet: the pages hear nothing but the invoice's status
    // the second tab hears first, and is done with the stored invoice…
    await second.clock.runFor(2_000);
    const done = /^Payment received.*Added 77 sats to your token\. Balance now 577 sats\./;
    await expectText(second.getByTestId('topup-done'), done);
    await expectText(second.getByTestId('nav-account'), sats(FUNDED + 77));
    expect(await second.evaluate(() => window.localStorage.getItem('abl.pendingTopups'))).toBeNull();
    // …which the first tab learns (its list of watched invoices empties): it still finishes its own
    await expectText(first.getByTestId('claim-paid'), /This browser is not waiting for any invoice\./);
    await first.clock.runFor(2_000);
    await expectText(first.getByTestId('topup-done'), done);
    await expectText(first.getByTestId('nav-account'), sats(FUNDED + 77)); // no 15 s poll: the clock is stopped
    expect(await balanceOf(srv, token)).toBe(FUNDED + 77);
  });
});
