// Errors said to the person on the page, not as developer notes: a field named in words (no
// "(field body)", no "the field named in field"), a 429's wait said once ("Too many requests — try
// again in 13 s."), no Retry on a 404 that retrying cannot mend, and a "Try it" body that is not
// JSON called so, with where the parser stopped — not "This request names no model"; a claim secret
// refused in words, with a hint that fits a claim secret (not "Copy the preimage again from your wallet").
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { call } from '../../server/testing/harness.js';
import { browserTest, expectText, expectVisible, fundToken, hireApi, showLazyPage, stopClock, tryItOnce, useBrowser, useDevServer } from './harness.js';

const H = '/api/v1/ai-for-hire';
const browser = useBrowser();
const srv = useDevServer();

const hire = hireApi(srv);

browserTest('a task that does not exist: "No such task", and no Retry', browser, async (s) => {
  const page = await s.page();
  await page.goto(`${srv.url}/hire/tasks/${randomUUID()}`);
  const notice = page.getByTestId('error-notice');
  await expectText(notice.locator('.notice-title'), 'No such task');
  expect(await notice.getAttribute('data-code')).toBe('not_found');
  expect(await notice.getByRole('button', { name: 'Retry' }).count()).toBe(0);
});

browserTest('"Try it" with a body that is not JSON says so, with the line and column, and no older answer under it', browser, async (s) => {
  const token = await fundToken(srv, 100);
  const page = await s.page({ token });
  await page.goto(`${srv.url}/catalog#openai-chat-completions`);
  const chat = page.getByTestId('endpoint-openai-chat-completions');
  await chat.getByTestId('try-it-toggle').click();
  await tryItOnce(chat, []); // an answer on screen first
  await chat.getByTestId('try-it-body-input').fill('{\n  "model": "gpt-4o-mini",\n  "max_tokens" 20\n}');
  await expectText(chat.getByTestId('try-it-price'), /^The body is not valid JSON: .+ \(line 3, column 16\)\.$/);
  await chat.getByTestId('try-it-button').click();
  await expectText(chat.getByRole('alert'), /^The body is not valid JSON: .+ \(line 3, column 16\)\.$/);
  expect(await chat.textContent()).not.toContain('names no model');
  expect(await chat.getByTestId('try-it-status').count()).toBe(0); // the earlier call's answer went with it
  expect(await chat.getByTestId('try-it-request-id').count()).toBe(0);
});

browserTest('a refused delivery names its field in words; a 429 says its wait once', browser, async (s) => {
  const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 500), fundToken(srv, 100)]);
  const task = await hire(buyerToken, 'POST', '/tasks', {
    title: 'JSON only',
    description: 'Deliver JSON.',
    budget_sats: 50,
    acceptance: { json_schema: { type: 'object', required: ['text'] } },
  });
  const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: 50, description: 'JSON it is.' });
  await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/accept`, { expected_price_sats: 50 });

  const page = await s.page({ token: contractorToken });
  await stopClock(page);
  await page.goto(`${srv.url}/hire/tasks/${task.id}`);
  await showLazyPage(page);
  await page.getByTestId('deliver-input').fill('plain words, not JSON');
  await page.getByTestId('deliver-button').click();
  const refused = page.getByTestId('deliver-form').getByTestId('error-notice');
  await expectText(refused, /Correct “body”, then send it again\./);
  const words = (await refused.textContent()) ?? '';
  expect(words).not.toMatch(/\(field|named in|`/);

  // the server asks to wait 13 s: the page says so once, in words
  await page.route(`${srv.url}${H}/tasks/${task.id}/quotes/${quote.id}/messages`, (r) =>
    r.request().method() === 'POST'
      ? r.fulfill({
          status: 429,
          headers: { 'Retry-After': '13' },
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests: at most 60 a minute. Retry in 13 s.' } }),
        })
      : r.continue(),
  );
  await page.getByTestId(`quote-${quote.id}`).getByTestId('messages-toggle').click();
  await expectVisible(page.getByTestId('message-thread'));
  await page.getByTestId('message-input').fill('Is YAML fine?');
  await page.getByTestId('send-message-button').click();
  const limited = page.getByTestId('message-thread').getByTestId('error-notice');
  await expectText(limited.getByTestId('error-notice-message'), 'Too many requests — try again in 13 s.');
  const said = (await limited.textContent()) ?? '';
  expect(said.match(/try again/g)).toHaveLength(1);
  expect(said).not.toMatch(/Retry-After|Retry in/);
  expect(await limited.getByRole('button', { name: 'Retry' }).count()).toBe(0);
  await page.clock.runFor(5_000);
  await expectText(limited.getByTestId('error-notice-message'), 'Too many requests — try again in 8 s.');
});

browserTest('a claim secret refused: said in words, with a hint that fits a claim secret, not a preimage', browser, async (s) => {
  const created = await call(srv.url, 'POST', '/api/v1/topup', { body: { amount_sats: 5, claim_secret_only: true } });
  expect(created.status).toBe(201);
  const { payment_hash: paymentHash, claim_secret: claimSecret } = created.body as { payment_hash: string; claim_secret: string };

  const page = await s.page({ width: 390, height: 844 });
  await page.goto(`${srv.url}/topup`);
  await page.getByTestId('claim-paid-toggle').click();
  await page.getByTestId('claim-paid-hash').fill(paymentHash);
  // cut short, as a copy can be
  await page.getByTestId('claim-paid-secret').fill(claimSecret.slice(0, 30));
  await page.getByTestId('claim-paid-secret-button').click();
  const refused = page.getByTestId('claim-paid').getByTestId('error-notice');
  await expectText(refused.getByTestId('error-notice-message'), 'This claim secret is not one this server gave out; check you copied it whole.');
  await expectText(refused, /shown with its invoice/);
  expect(await refused.textContent()).not.toMatch(/claim_secret|preimage/i);

  // the whole secret of an invoice not paid yet: the server's words, and again no preimage advice
  await page.getByTestId('claim-paid-secret').fill(claimSecret);
  await page.getByTestId('claim-paid-secret-button').click();
  await expectText(refused.getByTestId('error-notice-message'), 'This invoice is not paid yet.');
  await expectText(refused, /once that invoice is paid/);
  expect(await refused.textContent()).not.toMatch(/claim_secret|preimage/i);
  await s.shot(page, 'topup-claim-secret-refused-390');
});
