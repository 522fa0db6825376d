// The Account page's usage history with real calls: a topped-up token makes two paid "Try it" calls,
// then the page shows three rows whose changes and balances add up to the balance now, a uPlot chart
// of the day's spend per API (its bars drawn on the canvas), and the same rows as a CSV download —
// at desktop and phone widths. Real server, real HTTP, real Chromium.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { DailyUsage, UsagePage } from '../../contract/api.js';
import { call } from '../../server/testing/harness.js';
import { balanceOf, browserTest, expectText, expectVisible, fundToken, horizontalOverflow, poll, tryItOnce, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

const FUNDED = 500;
/** the chart's first series colour (web/src/pages/account/UsageChart.tsx), as the canvas holds it */
const FIRST_SERIES_RGB = [0xd9, 0x77, 0x06] as const;

/** Two paid chat completions through "Try it"; their request ids, oldest first. */
async function twoPaidCalls(page: Page): Promise<string[]> {
  await page.goto(`${srv.url}/catalog#openai-chat-completions`);
  const chat = page.getByTestId('endpoint-openai-chat-completions');
  await chat.getByTestId('try-it-toggle').click();
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) await tryItOnce(chat, ids);
  return ids;
}

/** Pixels of the first series' colour on the chart's canvas: its bars were drawn. */
async function barPixels(page: Page): Promise<number> {
  return page.getByTestId('usage-chart-canvas').locator('.uplot canvas').evaluate((el, rgb) => {
    const canvas = el as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i]! - rgb[0]) < 8 && Math.abs(px[i + 1]! - rgb[1]) < 8 && Math.abs(px[i + 2]! - rgb[2]) < 8 && px[i + 3]! > 200) n++;
    }
    return n;
  }, FIRST_SERIES_RGB);
}

describe('usage history on the Account page', () => {
  browserTest('two paid calls: rows that add up to the balance, a drawn chart per API, the CSV — desktop and phone', browser, async (s) => {
    const token = await fundToken(srv, FUNDED);
    const page = await s.page({ name: 'usage-1280', token });
    const ids = await twoPaidCalls(page);

    // what the server says, to compare the page with
    const api = await call(srv.url, 'GET', '/api/v1/usage', { headers: { 'X-Token': token } });
    expect(api.status).toBe(200);
    const history = api.body as UsagePage;
    expect(history.data.map((r) => r.kind)).toEqual(['call', 'call', 'topup']);
    const balanceMsat = ((await call(srv.url, 'GET', '/api/v1/balance', { headers: { 'X-Token': token } })).body as { balance_msat: number }).balance_msat;

    await page.getByTestId('nav-account').click();
    const usage = page.getByTestId('usage-section');
    const rows = usage.getByTestId('usage-row');
    await poll(() => rows.count()).toBe(3);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['call', 'call', 'topup']);
    // newest first: the second call, then the first, each with its request id
    expect(await usage.getByTestId('usage-row-request-id').allTextContents()).toEqual([ids[1], ids[0]]);

    // the rows add up: each balance before is the balance after below; the oldest starts from 0
    const amounts = (await usage.getByTestId('usage-row-amount').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-msat'))))) as number[];
    const balances = (await usage.getByTestId('usage-row-balance').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-msat'))))) as number[];
    expect(amounts).toEqual(history.data.map((r) => r.amount_msat));
    expect(amounts[2]).toBe(FUNDED * 1000);
    expect(balances[2]).toBe(FUNDED * 1000);
    for (let i = 0; i < 2; i++) expect(balances[i]! - amounts[i]!).toBe(balances[i + 1]);
    expect(amounts[0]! + amounts[1]!).toBe(-(history.data[0]!.charged_msat! + history.data[1]!.charged_msat!));
    // …to the balance now, shown beside the newest row's balance after
    expect(balances[0]).toBe(balanceMsat);
    await expectText(usage.getByTestId('usage-balance-now'), /^[\d.,]+ sats?$/);
    const nowText = (await usage.getByTestId('usage-balance-now').textContent()) ?? '';
    expect(await usage.getByTestId('usage-newest-balance').textContent()).toBe(nowText);
    expect(await usage.getByTestId('usage-row-balance').first().textContent()).toBe(nowText);
    expect(await usage.getByTestId('usage-adds-up').getAttribute('data-ok')).toBe('true');
    await expectText(usage.getByTestId('usage-sum'), /^0 sats before the oldest row shown, \+ [\d.,]+ sats in the rows shown = [\d.,]+ sats\.$/);
    // the Balance card says the same figure in the same words, to the msat
    await expectText(page.getByTestId('balance-value'), nowText);
    expect(Number(await page.getByTestId('balance-value').getAttribute('data-msat'))).toBe(balanceMsat);
    expect(Math.floor(balanceMsat / 1000)).toBe(await balanceOf(srv, token));

    // the chart: uPlot's root with a canvas, today's openai bar drawn, a legend, the table for screen readers
    const chart = usage.getByTestId('usage-chart');
    await expectVisible(chart.locator('.uplot canvas'));
    await poll(() => barPixels(page)).toBeGreaterThan(20);
    const daily = (await call(srv.url, 'GET', '/api/v1/usage/daily', { headers: { 'X-Token': token } })).body as DailyUsage;
    const today = daily.days.at(-1);
    expect(today?.by_api.openai).toBe(history.data[0]!.charged_msat! + history.data[1]!.charged_msat!);
    await expectText(chart.getByTestId('usage-chart-legend-item'), /^OpenAI [\d.,]+ sats?$/);
    const tableRow = chart.getByTestId('usage-chart-table').locator('tbody tr');
    expect(await tableRow.count()).toBe(1);
    expect(await tableRow.locator('th').textContent()).toBe(today?.date);
    expect(await chart.locator('figcaption').textContent()).toMatch(/in all — OpenAI /);
    // pointing at today's bar (the last of the 30 days) reads its figures out
    const over = chart.locator('.uplot .u-over');
    await over.scrollIntoViewIfNeeded();
    const box = await over.boundingBox();
    if (!box) throw new Error('the chart has no plotting area');
    await over.hover({ position: { x: (box.width * 29.5) / 30, y: box.height - 5 } });
    await expectText(chart.getByTestId('usage-chart-readout'), new RegExp(`^${today?.date}: [\\d.,]+ sats? · OpenAI [\\d.,]+ sats?$`));
    await s.shot(page, 'account-usage-1280');

    // the CSV: a download of a blob (the token went in a header), the three rows under the header
    const [download] = await Promise.all([page.waitForEvent('download'), usage.getByTestId('usage-csv-button').click()]);
    expect(download.url()).toMatch(/^blob:/);
    expect(download.url()).not.toContain(token);
    expect(download.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('created_at,kind,amount_msat,balance_after_msat,request_id,api,endpoint,model,charged_msat,status,ref');
    expect(csv.slice(1).map((l) => l.split(',')[1])).toEqual(['call', 'call', 'topup']);
    expect(csv[1]).toContain(ids[1]);

    // a phone: the same rows, the chart fits, nothing scrolls sideways
    const phone = await s.page({ name: 'usage-360', token, width: 360, height: 740 });
    await phone.goto(`${srv.url}/account`);
    await poll(() => phone.getByTestId('usage-row').count()).toBe(3);
    await expectVisible(phone.getByTestId('usage-chart').locator('.uplot canvas'));
    await poll(() => barPixels(phone)).toBeGreaterThan(20);
    const o = await horizontalOverflow(phone);
    expect(o.scrollWidth, `sticking out: ${o.widest.join('; ')}`).toBeLessThanOrEqual(o.innerWidth);
    await s.shot(phone, 'account-usage-360');
  });

  browserTest('more rows than a page: "Load older rows" by keyboard continues the chain, the focus lands on the first older row; fees show in the chart', browser, async (s) => {
    const token = await fundToken(srv, 3_000);
    // 51 AI for Hire fees (50 sats each) and the top-up: 52 rows, a page holds 50
    for (let i = 0; i < 51; i++) {
      const r = await call(srv.url, 'POST', '/api/v1/ai-for-hire/tasks', { headers: { 'X-Token': token }, body: { title: `Task ${i}`, description: 'Usage paging.' } });
      expect(r.status).toBeLessThan(300);
    }
    const page = await s.page({ name: 'usage-paging', token });
    await page.goto(`${srv.url}/account`);
    const usage = page.getByTestId('usage-section');
    const rows = usage.getByTestId('usage-row');
    await poll(() => rows.count()).toBe(50);
    expect(await usage.getByTestId('usage-adds-up').getAttribute('data-ok')).toBe('true');

    const more = usage.getByTestId('usage-load-more');
    await more.focus();
    await page.keyboard.press('Enter');
    await poll(() => rows.count()).toBe(52);
    // the last page came: the button is gone, and the focus is on the first row it brought, not lost
    await poll(() => more.count()).toBe(0);
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '')).toBe('usage-row');
    expect(await page.evaluate(() => [...document.querySelectorAll('[data-testid="usage-row"]')].indexOf(document.activeElement as Element))).toBe(50);

    const amounts = (await usage.getByTestId('usage-row-amount').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-msat'))))) as number[];
    const balances = (await usage.getByTestId('usage-row-balance').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-msat'))))) as number[];
    expect(amounts.slice(0, 51)).toEqual(Array.from({ length: 51 }, () => -50_000));
    expect(amounts[51]).toBe(3_000_000);
    // across the page boundary too, each balance before is the balance after below
    for (let i = 0; i < 51; i++) expect(balances[i]! - amounts[i]!).toBe(balances[i + 1]);
    expect(balances[0]).toBe((await balanceOf(srv, token)) * 1000);
    await expectText(usage.getByTestId('usage-sum'), '0 sats before the oldest row shown, + 450 sats in the rows shown = 450 sats.');

    // the chart: no API calls, 2,550 sats of fees
    await expectText(usage.getByTestId('usage-chart-legend-item'), 'Fees and other 2,550 sats');
  });

  browserTest('a child token that spent part of a sat: revoking it asks and answers about the same sats, to the msat', browser, async (s) => {
    const parent = await fundToken(srv, FUNDED);
    const made = await call(srv.url, 'POST', '/api/v1/tokens', { headers: { 'X-Token': parent }, body: { amount_sats: 200 } });
    expect(made.status).toBe(201);
    const child = made.body as { id: string; token: string };
    // a metered call costs a fraction of a sat: the child is left with msat
    const chat = await call(srv.url, 'POST', '/api/v1/openai/v1/chat/completions', {
      headers: { 'X-Token': child.token },
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16 },
    });
    expect(chat.status).toBe(200);
    const listed = (await call(srv.url, 'GET', '/api/v1/tokens', { headers: { 'X-Token': parent } })).body as { data: { id: string; balance_msat: number }[] };
    const leftMsat = listed.data.find((c) => c.id === child.id)!.balance_msat;
    expect(leftMsat % 1000).not.toBe(0);
    const exact = `${(leftMsat / 1000).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 })} sats`;

    const page = await s.page({ name: 'parent', token: parent });
    await page.goto(`${srv.url}/account`);
    const item = page.locator(`[data-testid="child-token"][data-id="${child.id}"]`);
    await expectText(item.getByTestId('child-balance'), exact);
    await item.getByTestId(`revoke-child-${child.id}`).click();
    await expectText(item.getByRole('group'), `its ${exact} come back to this token`);
    await item.getByTestId(`revoke-child-${child.id}-confirm`).click();
    await expectText(page.getByTestId('child-revoked'), new RegExp(`^Revoked the child token made .+ \\(no\\. ${child.id}\\): ${exact.replace('.', '\\.')} came back to this token\\.$`));
  });
});
