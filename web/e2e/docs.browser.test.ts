// The docs page at phone and desktop sizes: error codes break only after an underscore, never
// mid-word; no Markdown backticks shown raw; code blocks show all their lines (and, on a phone,
// all their columns); an AI for Hire section; the OpenAPI document as a readable outline.
import { expect } from 'vitest';
import { browserTest, expectText, expectVisible, horizontalOverflow, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

for (const width of [360, 1280]) {
  browserTest(`docs at ${width}px: codes unbroken, no raw backticks, whole code blocks, AI for Hire, the API outline`, browser, async (s) => {
    const page = await s.page({ width, height: width > 500 ? 900 : 740 });
    await page.goto(`${srv.url}/docs`);
    const table = page.getByTestId('error-codes');
    await expectVisible(table);

    // every part between underscores sits on one line
    const split = await table.locator('code.code-name > span').evaluateAll((spans) =>
      spans.filter((sp) => {
        const range = document.createRange();
        range.selectNodeContents(sp);
        return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1;
      }).map((sp) => sp.closest('code')?.textContent ?? ''),
    );
    expect(split, 'error codes broken inside a word').toEqual([]);
    expect(await page.locator('main').textContent()).not.toContain('`');

    // code blocks: nothing hidden below; on a phone nothing hidden to the side either
    const cut = await page.locator('.code-block pre').evaluateAll((pres, phone) =>
      pres.filter((p) => p.scrollHeight > p.clientHeight + 1 || (phone && p.scrollWidth > p.clientWidth + 1)).map((p) => p.getAttribute('aria-label')),
    width < 600);
    expect(cut, 'code blocks cut').toEqual([]);

    await expectText(page.locator('#hire'), /AI for Hire.*escrow.*delivery deadline.*review deadline.*dispute/i);
    const outline = page.getByTestId('openapi-outline');
    await expectText(outline.locator('summary').filter({ hasText: 'AI for Hire' }), /AI for Hire \(\d+\)/);
    await outline.locator('summary').filter({ hasText: 'AI for Hire' }).click();
    await expectText(outline, /POST\s*\/api\/v1\/ai-for-hire\/tasks\/\{id\}\/dispute/);
    const o = await horizontalOverflow(page);
    expect(o.scrollWidth, `sideways scrolling: ${o.widest.join('; ')}`).toBeLessThanOrEqual(o.innerWidth);
    await table.locator('tr').nth(17).scrollIntoViewIfNeeded();
    await s.shot(page, `docs-errors-${width}`, { fullPage: false });
    await page.locator('#hire pre').scrollIntoViewIfNeeded();
    await s.shot(page, `docs-hire-${width}`, { fullPage: false });
  });
}
