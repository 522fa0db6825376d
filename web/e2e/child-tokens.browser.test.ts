// Child tokens on the Account page, end to end: a topped-up token makes a child with a budget, a
// daily cap, an expiry and one API; the child token is shown once; the test spends it over HTTP
// until its cap refuses it; after a reload the list shows what it has left and spent today;
// revoking it through the page (asked once more) gives the rest back to the parent and the child is
// refused from then on — at phone and desktop sizes; the header's balance follows each move at once
// (the page's clock is stopped: its poll never fires). A child limited to AI for Hire may post a
// task and nothing else. Real server, real HTTP, real Chromium.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ChildTokenListSchema, type ChildToken } from '../../contract/api.js';
import { writeFlatPricedConfig } from '../../server/testing/flat-prices.js';
import { call } from '../../server/testing/harness.js';
import { balanceOf, browserTest, expectAbsent, expectText, expectVisible, fundToken, horizontalOverflow, poll, showLazyPage, startDevServer, stopClock, useBrowser, type BrowserSession, type E2EServer } from './harness.js';

const CHAT = '/api/v1/openai/v1/chat/completions';
const CLAUDE = '/api/v1/anthropic/v1/messages';
/** gpt-4o-mini costs 30 sats a call in the flat-priced catalog: whole sats, simple sums */
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };
const PRICE = 30;
const FUNDED = 500;
const CHILD = 100;
const CAP = 60;

const DAY = 86_400;
/**
 * The server's clock: real time moved back to midday (UTC) at the start, so that a run near
 * midnight does not see the daily cap reset halfway. Moved back only: invoices of the development
 * wallet are never seen as expired.
 */
const startedAt = Math.floor(Date.now() / 1000);
const shift = (((startedAt % DAY) - DAY / 2) % DAY + DAY) % DAY;
const serverNow = (): number => Math.floor(Date.now() / 1000) - shift;

const browser = useBrowser();
const flat = writeFlatPricedConfig();
let srv: E2EServer;
beforeAll(async () => {
  srv = await startDevServer({ ABL_CONFIG: flat.path }, { now: serverNow });
});
afterAll(async () => {
  await srv?.close();
  flat.remove();
});

const as = (token: string) => ({ headers: { 'X-Token': token } });
const chatAs = (token: string) => call(srv.url, 'POST', CHAT, { ...as(token), body: chat });

async function listChildren(parent: string): Promise<ChildToken[]> {
  const r = await call(srv.url, 'GET', '/api/v1/tokens', as(parent));
  expect(r.status).toBe(200);
  return ChildTokenListSchema.parse(r.body).data;
}

/** A datetime-local value a week ahead in the page's own time zone, and the Unix seconds it means. */
async function aWeekAhead(page: Page): Promise<{ value: string; unix: number }> {
  return page.evaluate(() => {
    const d = new Date(Date.now() + 7 * 86_400_000);
    d.setSeconds(0, 0);
    const p = (n: number) => String(n).padStart(2, '0');
    return { value: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`, unix: d.getTime() / 1000 };
  });
}

const sats = (n: number): RegExp => new RegExp(`^${n.toLocaleString('en-US')} sats?$`);

async function noSidewaysScroll(page: Page): Promise<void> {
  const o = await horizontalOverflow(page);
  expect(o.scrollWidth, `sticking out: ${o.widest.join('; ')}`).toBeLessThanOrEqual(o.innerWidth);
}

async function lifecycle(s: BrowserSession, width: number, height: number): Promise<void> {
  const parent = await fundToken(srv, FUNDED);
  const page = await s.page({ name: `child-${width}`, token: parent, width, height });
  await stopClock(page); // the header's poll never fires: only what the page hears moves it
  await page.goto(`${srv.url}/account`);
  await showLazyPage(page);
  await expectText(page.getByTestId('balance-value'), `${FUNDED} sats`);
  const header = page.getByTestId('nav-account');
  await expectText(header, sats(FUNDED));
  const section = page.getByTestId('child-tokens');
  await expectText(section.getByText('None yet.'), 'None yet.');

  // make it: 100 sats, 60 a day, OpenAI only, a week to live
  const form = section.getByTestId('child-token-form');
  await expectText(form, `this token holds ${FUNDED} sats`);
  const expires = await aWeekAhead(page);
  await form.getByTestId('child-amount-input').fill(String(CHILD));
  await form.getByTestId('child-cap-input').fill(String(CAP));
  await form.getByTestId('child-expires-input').fill(expires.value);
  await form.getByTestId('child-api-openai').check();
  await form.getByTestId('create-child-button').click();

  // shown once: the token, what it was given; the page keeps the parent
  const reveal = section.getByTestId('token-reveal');
  await expectVisible(reveal);
  await expectText(reveal.locator('h2'), 'Your new child token');
  const childToken = ((await reveal.getByTestId('token-reveal-text').textContent()) ?? '').trim();
  expect(childToken).toMatch(/^abl_\S+$/);
  expect(childToken).not.toBe(parent);
  await expectText(reveal, `Credited ${CHILD} sats.`);
  expect(await page.evaluate(() => window.localStorage.getItem('abl.token'))).toBe(parent);
  await expectText(page.getByTestId('balance-value'), `${FUNDED - CHILD} sats`);
  await expectText(header, sats(FUNDED - CHILD));
  const [made] = await listChildren(parent);
  expect(made).toMatchObject({ balance_sats: CHILD, max_sats_per_day: CAP, apis: ['openai'], expires_at: expires.unix, spent_today_sats: 0, revoked: false });
  const item = section.locator(`[data-testid="child-token"][data-id="${made!.id}"]`);
  await expectText(item.locator('.child-token-head'), new RegExp(`^Made \\w.+ no\\. ${made!.id} active$`)); // when it was made, then its short id
  await expectText(item.getByTestId('child-balance'), `${CHILD} sats`);
  await expectText(item.getByTestId('child-spent-today'), `0 of ${CAP} sats today`);
  await reveal.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await s.shot(page, `child-made-${width}`, { fullPage: false });
  await noSidewaysScroll(page);

  // the agent spends it: two calls fit the cap, the third is refused; other APIs are not its own
  expect((await chatAs(childToken)).status).toBe(200);
  const second = await chatAs(childToken);
  expect(second.status).toBe(200);
  expect(second.headers['x-balance-sats']).toBe(String(CHILD - 2 * PRICE));
  const third = await chatAs(childToken);
  expect(third.status).toBe(402);
  expect(third.body.error).toMatchObject({ code: 'insufficient_balance', price_sats: PRICE, balance_sats: 0 });
  const claude = await call(srv.url, 'POST', CLAUDE, { ...as(childToken), body: { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] } });
  expect([claude.status, claude.body.error?.code]).toEqual([403, 'forbidden']);
  expect(await balanceOf(srv, childToken)).toBe(CHILD - 2 * PRICE);

  // saved and hidden, then a reload: the list tells what it has left and spent today; the token is not shown again
  await reveal.getByTestId('token-reveal-saved').check();
  await reveal.getByTestId('token-reveal-dismiss').click();
  await expectAbsent(reveal);
  await page.reload();
  await showLazyPage(page);
  await expectText(item.getByTestId('child-balance'), `${CHILD - 2 * PRICE} sats`);
  await expectText(item.getByTestId('child-spent-today'), `${2 * PRICE} of ${CAP} sats today`);
  expect(await item.getAttribute('data-state')).toBe('active');
  await expectText(item.locator('div', { has: page.locator('dt', { hasText: 'APIs' }) }).locator('dd'), 'openai');
  expect(await item.locator('div', { has: page.locator('dt', { hasText: 'Expires' }) }).locator('dd').textContent()).not.toBe('never');
  expect(await page.locator('body').textContent()).not.toContain(childToken);

  // revoke, asked once more: cancelling changes nothing, confirming gives the rest back
  const revoke = item.getByTestId(`revoke-child-${made!.id}`);
  await revoke.click();
  const named = `the child token made \\w.+ \\(no\\. ${made!.id}\\)`;
  const confirm = item.getByRole('group', { name: new RegExp(`^Revoke ${named}\\?`) });
  await expectText(confirm, new RegExp(`^Revoke ${named}\\? It stops working at once and its ${CHILD - 2 * PRICE} sats come back to this token\\.`));
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expectAbsent(confirm);
  expect(await balanceOf(srv, childToken)).toBe(CHILD - 2 * PRICE);
  await revoke.click();
  await expectVisible(confirm);
  await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '')).toBe(`revoke-child-${made!.id}-confirm`);
  await item.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await s.shot(page, `child-revoke-confirm-${width}`, { fullPage: false });
  await item.getByTestId(`revoke-child-${made!.id}-confirm`).click();

  await expectText(section.getByTestId('child-revoked'), new RegExp(`^Revoked ${named}: ${CHILD - 2 * PRICE} sats came back to this token\\.$`));
  await poll(() => item.getAttribute('data-state')).toBe('revoked');
  await expectText(item.locator('.child-token-head'), new RegExp(`no\\. ${made!.id} revoked$`));
  await expectAbsent(revoke);
  await expectText(page.getByTestId('balance-value'), `${FUNDED - 2 * PRICE} sats`);
  await expectText(header, sats(FUNDED - 2 * PRICE));
  expect(await balanceOf(srv, parent)).toBe(FUNDED - 2 * PRICE);
  expect((await listChildren(parent))[0]).toMatchObject({ id: made!.id, revoked: true, balance_sats: 0 });

  // the child is refused from then on, its calls and its balance alike
  const after = await chatAs(childToken);
  expect([after.status, after.body.error?.code]).toEqual([401, 'invalid_token']);
  const balance = await call(srv.url, 'GET', '/api/v1/balance', as(childToken));
  expect([balance.status, balance.body.error?.code]).toEqual([401, 'invalid_token']);
  await section.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await s.shot(page, `child-revoked-${width}`, { fullPage: false });
  await noSidewaysScroll(page);
}

/** POST_TASK: what posting a task costs (config.yaml hire.post_task_sats) */
const POST_TASK = 50;

/** A child limited to AI for Hire, ticked on the form: it posts a task, and calls no catalog API. */
async function aiForHireOnly(s: BrowserSession): Promise<void> {
  const parent = await fundToken(srv, FUNDED);
  const page = await s.page({ name: 'child-hire', token: parent });
  await page.goto(`${srv.url}/account`);
  const form = page.getByTestId('child-tokens').getByTestId('child-token-form');
  const hire = form.getByTestId('child-api-ai-for-hire');
  await expectVisible(hire);
  expect(await form.getByLabel('AI for Hire', { exact: true }).getAttribute('data-testid')).toBe('child-api-ai-for-hire');
  await form.getByTestId('child-amount-input').fill(String(CHILD));
  await hire.check();
  await form.getByTestId('create-child-button').click();
  const childToken = ((await page.getByTestId('token-reveal-text').textContent()) ?? '').trim();
  expect(childToken).toMatch(/^abl_\S+$/);
  const [made] = await listChildren(parent);
  expect(made).toMatchObject({ balance_sats: CHILD, apis: ['ai-for-hire'] });
  await expectText(page.locator(`[data-testid="child-token"][data-id="${made!.id}"] div`, { has: page.locator('dt', { hasText: 'APIs' }) }).locator('dd'), 'ai-for-hire');

  const task = await call(srv.url, 'POST', '/api/v1/ai-for-hire/tasks', { ...as(childToken), body: { title: 'Summarise a page', description: 'Three sentences, plain words.' } });
  expect(task.status).toBe(201);
  expect(await balanceOf(srv, childToken)).toBe(CHILD - POST_TASK);
  const chatted = await chatAs(childToken);
  expect([chatted.status, chatted.body.error?.code]).toEqual([403, 'forbidden']);
}

/** A child token on its own Account page: no Withdraw form it can never use, no error for a limit its parent set. */
async function childsOwnPage(s: BrowserSession, width: number): Promise<void> {
  const parent = await fundToken(srv, FUNDED);
  const made = await call(srv.url, 'POST', '/api/v1/tokens', { ...as(parent), body: { amount_sats: CHILD, apis: ['openai'], max_sats_per_day: CAP } });
  expect(made.status).toBe(201);
  const child = (made.body as { token: string }).token;
  const page = await s.page({ name: 'child', token: child, width });
  await page.goto(`${srv.url}/account`);
  await expectText(page.getByTestId('balance-value'), `${CHILD} sats`);
  await expectText(page.getByTestId('collect-child'), /A child token cannot withdraw; its parent can\./);
  await expectAbsent(page.getByTestId('collect-form'));
  await expectAbsent(page.getByTestId('collect-button'));
  await expectVisible(page.getByTestId('child-tokens-forbidden'));
  await expectText(page.getByTestId('hire-me-not-allowed'), 'This token may not use AI for Hire: the token that made it limited it to other APIs.');
  await expectAbsent(page.getByTestId('error-notice'));
  await s.shot(page, `child-own-account-${width}`);
  await noSidewaysScroll(page);

  // the parent's page still offers both
  const parentPage = await s.page({ name: 'parent', token: parent, width });
  await parentPage.goto(`${srv.url}/account`);
  await expectVisible(parentPage.getByTestId('collect-button'));
  await expectVisible(parentPage.getByTestId('child-token-form'));
  await expectAbsent(parentPage.getByTestId('collect-child'));
}

describe('child tokens on the Account page', () => {
  browserTest('a child token at 1280 sees that it cannot withdraw and that AI for Hire is not its to use, no error', browser, (s) => childsOwnPage(s, 1280));
  browserTest('a child token at 360 sees that it cannot withdraw and that AI for Hire is not its to use, no error', browser, (s) => childsOwnPage(s, 360));
  browserTest('desktop (1280×800): made with a budget, shown once, spent to its daily cap, listed after a reload, revoked with the rest back', browser, (s) => lifecycle(s, 1280, 800));
  browserTest('phone (360×740): made with a budget, shown once, spent to its daily cap, listed after a reload, revoked with the rest back', browser, (s) => lifecycle(s, 360, 740));
  browserTest('limited to AI for Hire on the form: it posts a task and is refused a catalog API', browser, aiForHireOnly);
});
