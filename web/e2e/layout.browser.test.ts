// Every page at phone width (360×740) and on a desktop (1280): no horizontal scrolling, the main
// heading in view. Keyboard: Tab reaches the top-up amount and the create button, with a focus ring.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { browserTest, expectText, expectVisible, fundToken, horizontalOverflow, poll, startDevServer, useBrowser, type E2EServer } from './harness.js';
import { call } from '../../server/testing/harness.js';

const browser = useBrowser();
let srv: E2EServer;
let token: string;
beforeAll(async () => {
  srv = await startDevServer();
  token = await fundToken(srv, 2000);
  // a task whose text has no place to break (a long URL): cards and the task page must still fit a phone
  const long = 'https://example.com/' + 'averylongpathsegmentwithnoplacetobreak'.repeat(4);
  const r = await call(srv.url, 'POST', '/api/v1/ai-for-hire/tasks', {
    headers: { 'X-Token': token },
    body: { title: `Check ${long}`, description: `Read ${long} and report.`, budget_sats: 1000 },
  });
  expect(r.status).toBeLessThan(300);
});
afterAll(async () => {
  await srv?.close();
});

const nav = (name: string) => (p: Page) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

/** Each page, the link that leads there, the heading it must show, and what tells that its data has arrived. */
const PAGES: { path: string; link: (page: Page) => Locator; heading: string | RegExp; ready: (page: Page) => Locator }[] = [
  { path: '/', link: (p) => p.getByRole('link', { name: /alittlebitofmoney/ }), heading: 'Pay for AI APIs with a little bit of Bitcoin', ready: (p) => p.getByTestId('home-prices') },
  { path: '/catalog', link: nav('Catalog'), heading: 'Catalog', ready: (p) => p.getByTestId('endpoint-openai-chat-completions') },
  { path: '/topup', link: nav('Top up'), heading: 'Top up', ready: (p) => p.getByTestId('topup-target-refill') },
  { path: '/account', link: (p) => p.getByTestId('nav-account'), heading: 'Account', ready: (p) => p.getByTestId('hire-me').getByRole('link', { name: /^Check https/ }) },
  { path: '/hire', link: nav('AI for Hire'), heading: 'AI for Hire', ready: (p) => p.getByTestId('task-card') },
  { path: '/docs', link: nav('Docs'), heading: 'How it works', ready: (p) => p.getByTestId('error-codes') },
];

async function expectFits(page: Page, label: string): Promise<void> {
  const o = await horizontalOverflow(page);
  expect(o.scrollWidth, `${label}: the page scrolls sideways (${o.scrollWidth} > ${o.innerWidth}); sticking out: ${o.widest.join('; ')}`).toBeLessThanOrEqual(o.innerWidth);
}

async function expectHeadingInView(page: Page, heading: string | RegExp, width: number): Promise<void> {
  const h1 = page.getByRole('heading', { level: 1, name: heading });
  await expectVisible(h1);
  const box = await h1.boundingBox();
  expect(box).not.toBeNull();
  expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
  expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
}

/** The header's links on one row, every one of them in view (the balance too), at any width. */
async function expectNavOneRow(page: Page, width: number): Promise<void> {
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  const boxes = await links.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ top: Math.round(r.top), right: r.right, left: r.left })));
  expect(new Set(boxes.map((b) => b.top)).size, `the navigation wraps at ${width}px`).toBe(1);
  for (const b of boxes) expect(b.right, `a navigation link is cut off at ${width}px`).toBeLessThanOrEqual(width);
}

/**
 * Visits every page: `via: 'links'` loads the home page, then follows the header's links as a user
 * would; `via: 'load'` loads each address from the server (deep links, the SPA fallback).
 */
async function visitAll(page: Page, width: number, via: 'links' | 'load', shot: (name: string) => Promise<void>): Promise<void> {
  for (const [i, p] of PAGES.entries()) {
    if (via === 'load' || i === 0) await page.goto(`${srv.url}${p.path}`);
    else await p.link(page).click();
    await poll(() => new URL(page.url()).pathname).toBe(p.path);
    await expectVisible(p.ready(page));
    await expectHeadingInView(page, p.heading, width);
    await expectFits(page, `${p.path} at ${width}px`);
    await expectNavOneRow(page, width);
    await shot(`${p.path === '/' ? 'home' : p.path.slice(1)}-${width}`);
  }
}

describe('layout', () => {
  browserTest(
    'phone width 360×740: every page fits, with its heading in view — also an invoice, a task and a "Try it" answer',
    browser,
    async (s) => {
      const page = await s.page({ name: 'phone', width: 360, height: 740, token });
      await visitAll(page, 360, 'links', (name) => s.shot(page, name));
      // with a token, the header shows its balance (2,000 sats less the task posted above)
      await expectText(page.getByTestId('nav-account'), /^[\d,]+ sats$/);

      // the states that draw the widest content
      await nav('AI for Hire')(page).click();
      await page.getByTestId('task-card').first().getByRole('link').click();
      await expectVisible(page.getByTestId('task-page'));
      await expectVisible(page.getByTestId('task-title'));
      await expectFits(page, 'task page at 360px');
      await s.shot(page, 'task-360');

      await nav('Top up')(page).click();
      await page.getByTestId('topup-target-new').check();
      await page.getByTestId('create-invoice-button').click();
      await expectVisible(page.getByTestId('invoice-qr').locator('img'));
      await expectFits(page, 'invoice at 360px');
      const qr = await page.getByTestId('invoice-qr').boundingBox();
      expect((qr?.x ?? 0) + (qr?.width ?? 999)).toBeLessThanOrEqual(360);
      await s.shot(page, 'topup-invoice-360');

      await nav('Catalog')(page).click();
      const chat = page.getByTestId('endpoint-openai-chat-completions');
      await chat.getByTestId('try-it-toggle').click();
      await chat.getByTestId('try-it-button').click();
      await expectText(chat.getByTestId('try-it-status'), '200');
      await expectFits(page, 'catalog with a "Try it" answer at 360px');
      await s.shot(page, 'catalog-tryit-360', { fullPage: false });
    },
    120_000,
  );

  browserTest('desktop width 1280: every page, loaded by its address, fits with its heading in view', browser, async (s) => {
    const page = await s.page({ name: 'desktop', width: 1280, height: 900, token });
    await visitAll(page, 1280, 'load', (name) => s.shot(page, name, { fullPage: false }));
  });

  browserTest('keyboard: Tab reaches the top-up amount and the create button, each with a visible focus ring', browser, async (s) => {
    const page = await s.page({ name: 'keyboard', width: 360, height: 740 });
    await page.goto(`${srv.url}/topup`);
    await expectVisible(page.getByTestId('create-invoice-button'));

    /** Presses Tab until the element with this test id has focus; returns its focus styles. */
    const tabTo = async (testId: string): Promise<{ presses: number; outline: string; focusVisible: boolean; inView: boolean }> => {
      for (let presses = 1; presses <= 40; presses++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
        if (focused === testId) {
          const state = await page.evaluate(() => {
            const el = document.activeElement as HTMLElement;
            const css = getComputedStyle(el);
            const r = el.getBoundingClientRect();
            return {
              outline: `${css.outlineStyle} ${css.outlineWidth} ${css.outlineColor}`,
              focusVisible: el.matches(':focus-visible'),
              inView: r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth,
            };
          });
          return { presses, ...state };
        }
      }
      throw new Error(`Tab never reached ${testId}`);
    };

    const amount = await tabTo('topup-amount-input');
    expect(amount.focusVisible).toBe(true);
    expect(amount.outline).toMatch(/^solid [23]px rgb/);
    expect(amount.inView).toBe(true);
    await s.shot(page, 'focus-amount-360', { fullPage: false });

    // typing works from the keyboard too, and the button is the next stop or close after
    await page.keyboard.press('Control+A');
    await page.keyboard.type('777');
    const button = await tabTo('create-invoice-button');
    expect(button.focusVisible).toBe(true);
    expect(button.outline).toMatch(/^solid [23]px rgb/);
    await s.shot(page, 'focus-create-360', { fullPage: false });

    // Enter on the focused button creates the invoice
    await page.keyboard.press('Enter');
    await expectText(page.getByTestId('invoice-panel').getByRole('heading', { level: 2 }), 'Pay 777 sats');
  });
});
