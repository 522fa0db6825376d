// An invoice that can no longer be paid does not keep a sharp QR code: once it expired (the page's
// clock is moved past its expiry, nothing sleeps) the code is blurred under the word "Expired", the
// wallet buttons go, at phone and desktop sizes.
import { expect } from 'vitest';
import { browserTest, expectAbsent, expectText, expectVisible, poll, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

for (const [width, height] of [
  [390, 844],
  [1280, 900],
] as const) {
  browserTest(`${width}px: an expired invoice's QR code is blurred and says so`, browser, async (s) => {
    const page = await s.page({ width, height });
    await page.clock.install();
    await page.goto(`${srv.url}/topup`);
    await page.getByTestId('topup-amount-input').fill('150');
    await page.getByTestId('create-invoice-button').click();
    const qr = page.getByTestId('invoice-qr');
    await expectVisible(qr.locator('img'));
    expect(await qr.getAttribute('data-spent')).toBeNull();
    await expectVisible(page.getByTestId('dev-wallet-pay-button'));

    const seconds = await page.evaluate(() => {
      const text = document.querySelector('[data-testid="invoice-status"]')?.textContent ?? '';
      const m = /expires in (?:(\d+):)?(\d+):(\d\d)/.exec(text);
      return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) : -1;
    });
    expect(seconds).toBeGreaterThan(0);
    await page.clock.fastForward((seconds + 2) * 1000);

    await poll(() => qr.getAttribute('data-spent')).toBe('Expired');
    await expectText(page.getByTestId('invoice-status'), 'This invoice has expired.');
    await expectText(qr.locator('.qr-stamp'), 'Expired');
    expect(await qr.locator('img').evaluate((img) => getComputedStyle(img).filter)).toMatch(/blur/);
    await expectAbsent(page.getByTestId('dev-wallet-pay-button'));
    await s.shot(page, `invoice-expired-${width}`, { fullPage: false });
  });
}
