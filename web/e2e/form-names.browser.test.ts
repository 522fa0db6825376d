// Controls that say what they do: on the Account page no two buttons share a name (the token's
// "Show token" is not the date range's "Show these dates"); the rating form is laid out as the
// other forms are — a label above its control, the app's field and button styles, not the
// browser's defaults.
import { expect } from 'vitest';
import { browserTest, deliveredDeal, expectVisible, fundToken, hireApi, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

const hire = hireApi(srv);

browserTest('the Account page: every button has a name of its own', browser, async (s) => {
  const token = await fundToken(srv, 200);
  const page = await s.page({ token });
  await page.goto(`${srv.url}/account`);
  await expectVisible(page.getByTestId('usage-apply'));
  await expectVisible(page.getByTestId('collect-button'));
  expect(await page.getByRole('button', { name: 'Show token', exact: true }).count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Show these dates', exact: true }).count()).toBe(1);
  const names = await page.locator('main button:visible').evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  expect(repeated, `buttons sharing a name: ${repeated.join(', ')}`).toEqual([]);
});

browserTest('the rating form: labels above their fields, the app’s controls', browser, async (s) => {
  const { buyerToken, task } = await deliveredDeal(srv, { title: 'Rated', description: 'Rate me.', priceSats: 30, quote: 'Done soon.', delivery: 'Done.' });
  await hire(buyerToken, 'POST', `/tasks/${task.id}/confirm`);

  for (const width of [390, 1280]) {
    const page = await s.page({ token: buyerToken, width, height: 900 });
    await page.goto(`${srv.url}/hire/tasks/${task.id}`);
    const form = page.getByTestId('rate-deal');
    await expectVisible(form);
    const stars = form.getByTestId('rate-stars');
    const comment = form.getByTestId('rate-comment');
    const button = form.getByTestId('rate-button');
    // each control has its label, above it, and takes the form's width
    for (const [control, label] of [
      [stars, 'Stars'],
      [comment, 'Comment (optional)'],
    ] as const) {
      const id = await control.getAttribute('id');
      const labelEl = form.locator(`label[for="${id}"]`);
      expect((await labelEl.textContent())?.trim()).toBe(label);
      const [l, c] = [await labelEl.boundingBox(), await control.boundingBox()];
      expect(l!.y + l!.height, `${label}: the label sits above its control`).toBeLessThanOrEqual(c!.y + 1);
      expect(c!.height).toBeGreaterThanOrEqual(44);
    }
    const formBox = await form.boundingBox();
    expect((await stars.boundingBox())!.width).toBeGreaterThan(formBox!.width * 0.8);
    // the app's primary button, not the browser's
    expect(await button.getAttribute('class')).toBe('btn btn-primary');
    const looks = await button.evaluate((b) => ({ radius: getComputedStyle(b).borderRadius, bg: getComputedStyle(b).backgroundColor }));
    expect(looks.radius).not.toBe('0px');
    expect(looks.bg).not.toMatch(/rgb\(239, 239, 239\)|rgb\(240, 240, 240\)/);
    await s.shot(page, `rate-form-${width}`);
  }
});
