// Top-up to a token on the development node, then a paid call through the catalog's "Try it"
// with that token — real server, real HTTP, real Chromium. Also: metered prices in plain words, a
// streamed call's ceiling then actual charge, bad amounts, a token without enough balance, and the
// development wallet never showing with a real Lightning backend.
import { describe, expect } from 'vitest';
import { balanceOf, browserTest, expectAbsent, expectText, expectVisible, fundToken, poll, startPhoenixdServer, UPSTREAM_KEY, useBrowser, useDevServer } from './harness.js';
import type { Locator } from 'playwright-core';
import type { CallUsage } from '../../contract/api.js';
import { call } from '../../server/testing/harness.js';

const browser = useBrowser();
const srv = useDevServer();

const AMOUNT = 1234;
// config.yaml meters gpt-4o-mini, the catalog example's model: 150 sats per 1M input tokens, 600 per 1M
// output, 16,384 output tokens at most; its ceiling with the example's short prompt is about 10 sats
const CHAT_CEILING = 10;

/** The usage record of the call a "Try it" answer names, as its token reads it. */
async function usageOf(scope: Locator, token: string): Promise<CallUsage> {
  const id = ((await scope.getByTestId('try-it-request-id').textContent()) ?? '').trim();
  expect(id).not.toBe('');
  const r = await call(srv.url, 'GET', `/api/v1/usage/${encodeURIComponent(id)}`, { headers: { 'X-Token': token } });
  expect(r.status).toBe(200);
  return r.body as CallUsage;
}

/** "0.008 sats", "1,233.992 sats", "2 sats": the page's words for an amount the API gives in msat (as the usage history says it). */
const exactSats = (msat: number): string =>
  msat % 1000 === 0
    ? `${(msat / 1000).toLocaleString('en-US')} ${msat === 1000 ? 'sat' : 'sats'}`
    : `${(msat / 1000).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 })} sats`;
const chargeWords = (u: CallUsage): string => exactSats(u.charged_msat);
/** the token the top-up test revealed, used by the "Try it" test */
let revealedToken: string | undefined;

describe('top-up to a token on the development node', () => {
  browserTest('a free amount, the QR and invoice, the development wallet, the token shown once, the balance on Account', browser, async (s) => {
    const page = await s.page({ name: 'topup' });
    await page.goto(`${srv.url}/topup`);
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Top up' }));

    await page.getByTestId('topup-amount-input').fill(String(AMOUNT));
    await page.getByTestId('create-invoice-button').click();

    const panel = page.getByTestId('invoice-panel');
    await expectVisible(panel);
    await expectText(panel.getByRole('heading', { level: 2 }), 'Pay 1,234 sats');
    // the QR is drawn at a real size, and the invoice is a regtest BOLT11 for the amount
    const qr = page.getByTestId('invoice-qr').locator('img');
    await expectVisible(qr);
    const box = await qr.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(100);
    const bolt11 = await page.getByTestId('invoice-text').inputValue();
    expect(bolt11).toMatch(/^lnbcrt12340n1[0-9a-z]+$/);
    await poll(() => page.getByTestId('invoice-status').getAttribute('data-status')).toBe('pending');
    await expectText(page.getByTestId('invoice-status'), /Waiting for payment — expires in \d+:\d\d/);
    expect(await page.getByTestId('lightning-link').getAttribute('href')).toBe(`lightning:${bolt11}`);
    await s.shot(page, 'topup-invoice-1280');

    const devButton = page.getByTestId('dev-wallet-pay-button');
    await expectText(devButton, 'Pay with the development wallet (no real sats)');
    // the "paid" status may show only for a moment before the token replaces the invoice: record every change
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid="invoice-status"]');
      const seen: string[] = [];
      (window as unknown as { __statuses: string[] }).__statuses = seen;
      new MutationObserver(() => {
        const now = `${el?.getAttribute('data-status')}: ${el?.textContent}`;
        if (!now.startsWith('pending') && seen.at(-1) !== now) seen.push(now);
      }).observe(el as Node, { attributes: true, childList: true, characterData: true, subtree: true });
    });
    await devButton.click();

    const reveal = page.getByTestId('token-reveal');
    await expectVisible(reveal);
    expect(await page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses)).toContainEqual(expect.stringMatching(/^paid: Paid\./));
    await expectText(reveal.getByRole('note'), /^Save this now — the server never shows it again, and this browser keeps it only while it is the token in use/);
    await expectText(reveal, /Credited 1,234 sats\. Balance 1,234 sats\./);
    const token = (await page.getByTestId('token-reveal-text').textContent())?.trim() ?? '';
    expect(token).toMatch(/^abl_\S{8,}$/);
    await expectVisible(page.getByTestId('topup-done'));
    await expectText(page.getByTestId('topup-done'), /1,234 sats are on your new token/);
    expect(await balanceOf(srv, token)).toBe(AMOUNT);
    await s.shot(page, 'topup-revealed-1280');

    // shown once: the reveal cannot be dismissed before the user says the token is saved
    await poll(() => page.getByTestId('token-reveal-dismiss').isDisabled()).toBe(true);
    await page.getByTestId('token-reveal-remember').check();
    await page.getByTestId('token-reveal-saved').check();
    await page.getByTestId('token-reveal-dismiss').click();
    await expectAbsent(page.getByTestId('token-reveal'));
    revealedToken = token;

    // the Account page shows the token in use and its balance
    await page.getByTestId('nav-account').click();
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Account' }));
    await expectText(page.getByTestId('balance-value'), '1,234 sats');
    // the token stays remembered through a reload, and is still not shown in full unasked
    await page.reload();
    await expectText(page.getByTestId('balance-value'), '1,234 sats');
    expect(await page.getByTestId('account-token').textContent()).not.toBe(token);
  });

  browserTest('a garbage amount shows a readable error and creates no invoice', browser, async (s) => {
    const page = await s.page({ name: 'garbage' });
    const created: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/topup') created.push(r.url());
    });
    await page.goto(`${srv.url}/topup`);
    const input = page.getByTestId('topup-amount-input');
    const problems: [string, RegExp][] = [
      ['abc', /Use whole sats: digits only, no decimals\./],
      ['12.5', /Use whole sats: digits only, no decimals\./],
      ['', /Enter an amount in sats\./],
      ['0', /The smallest top-up is 1 sats?\./],
      ['99999999', /The largest top-up is 1,000,000 sats\./],
    ];
    for (const [value, message] of problems) {
      await input.fill(value);
      await page.getByTestId('create-invoice-button').click();
      const error = page.locator('.field-error');
      await expectText(error, message);
      // the message is tied to the field for screen readers
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
      expect(describedBy.split(' ')).toContain(await error.first().getAttribute('id'));
    }
    await s.shot(page, 'topup-garbage-1280');
    await expectAbsent(page.getByTestId('invoice-panel'), 500);
    expect(created).toEqual([]);

    // fixing the amount clears the error and creates the invoice
    await input.fill('21');
    await expectAbsent(page.locator('.field-error'));
    await page.getByTestId('create-invoice-button').click();
    await expectText(page.getByTestId('invoice-panel').getByRole('heading', { level: 2 }), 'Pay 21 sats');
    expect(created).toHaveLength(1);
  });
});

describe('metered prices in plain words', () => {
  browserTest('per-token rates, the typical call, cheapest first — in the catalog and on the home page', browser, async (s) => {
    const page = await s.page({ name: 'prices' });
    await page.goto(`${srv.url}/catalog#openai-chat-completions`);
    const chat = page.getByTestId('endpoint-openai-chat-completions');
    // config.yaml: a typical call (1,000 input + 500 output tokens) costs 1 sat (gpt-4o-mini) to 8 sats (gpt-4o)
    await expectText(chat.getByTestId('price-pill'), '≈ 1–8 sats per typical call');
    const mini = chat.getByTestId('model-price-gpt-4o-mini');
    await expectText(mini, /150 sats per 1M input tokens · 75 per 1M cached input · 600 per 1M output · up to 16,384 output tokens/);
    await expectText(mini, /≈ 1 sat$/);
    const order = await chat.locator('[data-testid^="model-price-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
    expect(order.slice(0, 3)).toEqual(['model-price-gpt-4.1-nano', 'model-price-gpt-4o-mini', 'model-price-gpt-5-nano']);
    expect(order.at(-1)).toBe('model-price-gpt-4o');
    // Anthropic names a cache-write price apart from its input price
    await expectText(page.getByTestId('endpoint-anthropic-messages').getByTestId('model-price-claude-haiku-4-5'), /1,250 per 1M cache-write/);
    // a flat price keeps its label
    await expectText(page.getByTestId('endpoint-openai-audio-speech').getByTestId('price-pill'), /^60–120 sats$/);

    await page.goto(`${srv.url}/`);
    const home = page.getByTestId('home-prices');
    await expectText(home.getByRole('row').filter({ hasText: 'Chat completions' }), /≈ 1–8 sats per typical call/);
    await expectVisible(page.getByTestId('home-prices-metered-note'));
  });
});

describe('"Try it" in the catalog: a paid call', () => {
  browserTest('with the topped-up token: 200, the metered charge to the msat, the new balance, the receipt on Account', browser, async (s) => {
    expect(revealedToken, 'the top-up test must run first and reveal a token').toBeDefined();
    const token = revealedToken ?? '';
    const page = await s.page({ name: 'try-it' });

    // enter the token the way a user does: on the Account page
    await page.goto(`${srv.url}/account`);
    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('use-token-button').click();
    await expectText(page.getByTestId('balance-value'), '1,234 sats');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
    const chat = page.getByTestId('endpoint-openai-chat-completions');
    await expectVisible(chat);
    await chat.getByTestId('try-it-toggle').click();
    await expectText(
      chat.getByTestId('try-it-price'),
      new RegExp(`^This call costs up to ~${CHAT_CEILING} sats from abl_\\S+ — an estimate for about \\d+ input tokens and at most 16,384 output tokens\\. You pay only for the tokens it uses\\.$`),
    );
    await chat.getByTestId('try-it-button').click();

    const result = chat.getByTestId('try-it-result');
    await expectVisible(result);
    await expectText(result.getByTestId('try-it-status'), '200');
    // a JSON answer names its exact charge (X-Charged-Msats): a few tokens cost less than a sat
    await expectText(result.getByTestId('try-it-charged'), /^0\.\d{3} sats$/);
    const usage = await usageOf(result, token);
    expect(usage).toMatchObject({ model: 'gpt-4o-mini', charged_sats: 1, status: 'settled' });
    await expectText(result.getByTestId('try-it-charged'), chargeWords(usage));
    const left = Math.floor((AMOUNT * 1000 - usage.charged_msat) / 1000);
    await expectText(result.getByTestId('try-it-balance'), `${left.toLocaleString('en-US')} sats`);
    // the fake OpenAI's answer is shown, and the upstream got the example's request with the operator's key
    await expectText(result.getByTestId('try-it-body'), /chat\.completion/);
    expect(srv.upstream.lastRequest()?.url).toBe('/v1/chat/completions');
    expect(srv.upstream.lastRequest()?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(srv.upstream.lastRequest()?.headers)).not.toContain(token);
    expect(JSON.parse(srv.upstream.lastRequest()?.body.toString() ?? '{}')).toMatchObject({ model: 'gpt-4o-mini' });
    expect(await balanceOf(srv, token)).toBe(left);
    await s.shot(page, 'tryit-paid-1280', { fullPage: false });

    // the Account page agrees, to the msat where it reads the balance itself, and shows the call's receipt
    await page.getByTestId('nav-account').click();
    await expectText(page.getByTestId('balance-value'), exactSats(AMOUNT * 1000 - usage.charged_msat));
    const receipt = page.getByTestId('recent-call');
    await expectText(receipt.getByTestId('recent-call-request-id'), usage.request_id);
    await expectText(receipt.getByTestId('recent-call-charged'), chargeWords(usage));
    await expectText(receipt, /Chat completions gpt-4o-mini/);
  });

  browserTest('a streamed call: up to its ceiling while it runs, then the actual charge and its tokens', browser, async (s) => {
    const token = await fundToken(srv, 100);
    const page = await s.page({ name: 'try-it-stream', token });
    await page.goto(`${srv.url}/catalog#openai-chat-completions`);
    const chat = page.getByTestId('endpoint-openai-chat-completions');
    await chat.getByTestId('try-it-toggle').click();
    // the fake upstream sends the first chunk of a `__fake:hold` stream, then waits for release()
    const body = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Count to three __fake:hold' }] };
    await chat.getByTestId('try-it-body-input').fill(JSON.stringify(body, null, 2));
    await expectText(chat.getByTestId('try-it-price'), new RegExp(`^This call costs up to ~${CHAT_CEILING} sats from abl_`));
    await chat.getByTestId('try-it-button').click();

    const result = chat.getByTestId('try-it-result');
    await poll(() => srv.upstream.held()).toBe(1);
    await expectText(result.getByTestId('try-it-status'), '200');
    // X-Max-Charge-Sats: the server's ceiling, which the estimate before sending foresaw
    await expectText(result.getByTestId('try-it-charged'), `up to ${CHAT_CEILING} sats (streaming…)`);
    expect(await result.getByTestId('try-it-tokens').count()).toBe(0);
    await s.shot(page, 'tryit-stream-running-1280', { fullPage: false });

    srv.upstream.release();
    await expectText(result.getByTestId('try-it-body'), /\[DONE\]/);
    await expectText(result.getByTestId('try-it-charged'), /^0\.\d{3} sats$/);
    const usage = await usageOf(result, token);
    expect(Math.ceil(usage.max_charge_msat / 1000)).toBe(CHAT_CEILING);
    await expectText(result.getByTestId('try-it-charged'), chargeWords(usage));
    await expectText(result.getByTestId('try-it-tokens'), `${usage.usage?.input_tokens} input · ${usage.usage?.output_tokens} output tokens`);
    const left = Math.floor((100_000 - usage.charged_msat) / 1000);
    await expectText(result.getByTestId('try-it-balance'), `${left} sats`);
    expect(await balanceOf(srv, token)).toBe(left);
    await s.shot(page, 'tryit-stream-settled-1280', { fullPage: false });
  });

  browserTest('no token, then a mistyped one: the page says a token is needed, then that the token is unknown', browser, async (s) => {
    const page = await s.page({ name: 'no-token' });
    await page.goto(`${srv.url}/catalog#openai-chat-completions`);
    const chat = page.getByTestId('endpoint-openai-chat-completions');
    await chat.getByTestId('try-it-toggle').click();
    const need = chat.getByTestId('need-token');
    await expectText(need, /To try this endpoint you need a prepaid token\. Top up to get one, or enter yours\./);
    expect(await chat.getByTestId('try-it-button').isDisabled()).toBe(true);

    // "enter yours" → the Account page; a token that looks right but does not exist is not taken
    await need.getByRole('link', { name: 'enter yours' }).click();
    await page.getByTestId('token-input').fill('abl_doesnotexist0123456789');
    await page.getByTestId('use-token-button').click();
    await expectText(page.getByTestId('token-form'), /This server does not know this token: check it for typos, or top up to get one\./);
    await expectAbsent(page.getByTestId('balance-value'));
    expect(await page.getByTestId('token-form').getByTestId('error-notice').count()).toBe(0);
    expect(await page.getByTestId('nav-account').textContent()).toBe('Account');
    await s.shot(page, 'account-unknown-token-1280', { fullPage: false });

    // a remembered token the server no longer knows: "Try it" says so, with the way back to the Account page
    const stale = await s.page({ name: 'stale-token', token: 'abl_doesnotexist0123456789' });
    await stale.goto(`${srv.url}/catalog#openai-chat-completions`);
    await stale.getByTestId('endpoint-openai-chat-completions').getByTestId('try-it-toggle').click();
    const staleChat = stale.getByTestId('endpoint-openai-chat-completions');
    await staleChat.getByTestId('try-it-button').click();
    const notice = staleChat.getByTestId('error-notice');
    await poll(() => notice.getAttribute('data-code')).toBe('invalid_token');
    await expectText(notice, /Code invalid_token, HTTP 401/);
    await expectVisible(notice.getByRole('link', { name: 'Go to your account' }));
    expect(await staleChat.getByTestId('try-it-charged').textContent()).toBe('nothing');
  });

  browserTest('a token without enough balance: insufficient_balance with the price and the balance', browser, async (s) => {
    const poor = await fundToken(srv, 5); // below the example's ceiling
    const page = await s.page({ name: 'poor', token: poor });
    const before = srv.upstream.requests();
    await page.goto(`${srv.url}/catalog`);
    const chat = page.getByTestId('endpoint-openai-chat-completions');
    await chat.getByTestId('try-it-toggle').click();
    await chat.getByTestId('try-it-button').click();

    await expectText(chat.getByTestId('try-it-status'), '402');
    const notice = chat.getByTestId('error-notice');
    await poll(() => notice.getAttribute('data-code')).toBe('insufficient_balance');
    await expectText(notice, /This call may cost up to \d+ sats; the balance is 5 sats\. Top up and retry\./);
    await expectText(notice, /Code insufficient_balance, HTTP 402/);
    await expectVisible(notice.getByRole('link', { name: 'Top up' }));
    expect(await chat.getByTestId('try-it-charged').textContent()).toBe('nothing');
    await s.shot(page, 'tryit-insufficient-1280', { fullPage: false });
    // nothing reached OpenAI, nothing was taken
    expect(srv.upstream.requests()).toBe(before);
    expect(await balanceOf(srv, poor)).toBe(5);
  });

});

describe('with a real Lightning backend', () => {
  browserTest('the development wallet button never appears (health says phoenixd)', browser, async (s) => {
    const real = await startPhoenixdServer();
    try {
      const health = (await (await fetch(`${real.url}/api/v1/health`)).json()) as { wallet?: string };
      expect(health.wallet).toBe('phoenixd');
      const page = await s.page({ name: 'phoenixd' });
      const healthSeen = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/health');
      await page.goto(`${real.url}/topup`);
      await page.getByTestId('topup-preset-500').click();
      await page.getByTestId('create-invoice-button').click();
      await expectVisible(page.getByTestId('invoice-qr').locator('img'));
      // the wallet buttons are drawn and the health answer has arrived and been rendered, yet no development wallet
      await expectVisible(page.getByTestId('bitcoin-connect-button'));
      expect(await (await healthSeen).json()).toMatchObject({ wallet: 'phoenixd' });
      await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
      expect(await page.getByTestId('dev-wallet-pay-button').count()).toBe(0);
      expect(await page.getByText(/development wallet/i).count()).toBe(0);
      await s.shot(page, 'topup-phoenixd-1280');

      // paid from an outside wallet: the page follows the status and shows the token, no preimage asked
      await real.pay(await page.getByTestId('invoice-text').inputValue());
      await expectText(page.getByTestId('token-reveal'), /Credited 500 sats\. Balance 500 sats\./);
      await expectAbsent(page.getByTestId('preimage-form'));
    } finally {
      await real.close();
    }
  });
});
