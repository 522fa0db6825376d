// A rough fiat hint beside sats when the operator set a rate (ABL_FIAT_RATE), at phone and desktop
// sizes: on the top-up amount and the balance; health carries the rate.
import { expect } from 'vitest';
import { call } from '../../server/testing/harness.js';
import { browserTest, expectText, fundToken, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer({ ABL_FIAT_RATE: 'USD 95000' });

for (const width of [390, 1280]) {
  browserTest(`${width}px: ≈ dollars beside the top-up amount and the balance`, browser, async (s) => {
    expect((await call(srv.url, 'GET', '/api/v1/health')).body.fiat).toEqual({ currency: 'USD', per_btc: 95000 });
    const token = await fundToken(srv, 2000);
    const page = await s.page({ width, height: width > 500 ? 900 : 844, token });
    await page.goto(`${srv.url}/topup`);
    await page.getByTestId('topup-amount-input').fill('1000');
    await expectText(page.locator('form').first(), /1,000 sats ≈ \$0\.95 at the operator's rate\./);
    await page.goto(`${srv.url}/account`);
    await expectText(page.getByTestId('fiat-hint'), '≈ $1.90');
    await s.shot(page, `fiat-account-${width}`, { fullPage: false });
  });
}
