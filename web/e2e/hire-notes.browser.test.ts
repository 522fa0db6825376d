// What the other side wrote reaches the reader without digging: the buyer's change request and a
// dispute's reason show in the task's Delivery section, and a closed Messages section counts what
// is unread — from /me before the page read the thread, from what the page has shown after.
// Everything arrives on live events; the pages' clocks are stopped, nothing sleeps.
import type { Page } from 'playwright-core';
import { browserTest, deliveredDeal, expectAbsent, expectText, expectVisible, hireApi, poll, showLazyPage, stopClock, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

const hire = hireApi(srv);

async function openTask(s: { page: (o: { name: string; token: string; width: number }) => Promise<Page> }, name: string, token: string, taskId: string, width: number) {
  const page = await s.page({ name, token, width });
  await stopClock(page);
  await page.goto(`${srv.url}/hire/tasks/${taskId}`);
  await showLazyPage(page);
  await poll(() => page.getByTestId('task-page').getAttribute('data-live')).toBe('true');
  return page;
}

for (const width of [390, 1280]) {
  browserTest(`${width}px: the contractor reads the change request and the dispute's reason with the delivery; unread messages are counted`, browser, async (s) => {
    const { buyerToken, contractorToken, task, quote } = await deliveredDeal(srv, { title: `Notes ${width}`, description: 'A limerick.', priceSats: 100, quote: 'Five lines.', delivery: 'There once was a sat…' });

    const contractor = await openTask(s, 'contractor', contractorToken, task.id, width);
    const messages = contractor.getByTestId(`quote-${quote.id}`).getByTestId('messages-toggle');
    await expectAbsent(contractor.getByTestId('delivery-note'));

    // the buyer sends it back with a note: the contractor reads it where the delivery is
    await hire(buyerToken, 'POST', `/tasks/${task.id}/request-revision`, { body: 'Make the last line rhyme with "sat".' });
    const note = contractor.getByTestId('delivery-note');
    await expectText(note, /^Changes asked for ?The buyer asked for these changes on .+: ?Make the last line rhyme with "sat"\.$/);
    await poll(() => note.getAttribute('data-kind')).toBe('revision_request');
    await expectVisible(contractor.getByTestId('deliver-form'));
    // shown there, it is not counted again on the closed thread
    await expectAbsent(contractor.getByTestId('messages-unread'));

    // a message from the buyer: counted on the closed thread, gone once opened, counted again when new
    await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/messages`, { body: 'And keep it clean.' });
    await expectText(messages.getByTestId('messages-unread'), '1 unread');
    await messages.click();
    await expectText(contractor.getByTestId('message').last(), /buyer · .*And keep it clean\./);
    await expectText(contractor.locator('[data-testid="message"][data-kind="revision_request"]'), /buyer · asked for changes · .*rhyme/);
    await expectAbsent(contractor.getByTestId('messages-unread'));
    await messages.click();
    await expectAbsent(contractor.getByTestId('message-thread'));
    await expectAbsent(contractor.getByTestId('messages-unread'));
    await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/messages`, { body: 'Thanks!' });
    await expectText(messages.getByTestId('messages-unread'), '1 unread');
    await s.shot(contractor, `hire-notes-revision-${width}`);

    // delivered again, then disputed with a reason: the reason shows with the delivery
    await hire(contractorToken, 'POST', `/tasks/${task.id}/deliver`, { body: 'There once was a sat, / so flat…' });
    await expectAbsent(contractor.getByTestId('delivery-note'));
    await hire(buyerToken, 'POST', `/tasks/${task.id}/dispute`, { body: 'Still no rhyme with "sat".' });
    await expectText(note, /^Disputed ?The buyer gave this reason on .+: ?Still no rhyme with "sat"\.$/);
    await poll(() => note.getAttribute('data-kind')).toBe('dispute');
    await s.shot(contractor, `hire-notes-dispute-${width}`);

    // the buyer's page, opened after the contractor wrote: the count comes from /me
    await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/messages`, { body: 'It does rhyme, read it aloud.' });
    const buyer = await openTask(s, 'buyer', buyerToken, task.id, width);
    await expectText(buyer.getByTestId(`quote-${quote.id}`).getByTestId('messages-unread'), '1 unread');
    await expectText(buyer.getByTestId('delivery-note'), /^Disputed ?You gave this reason on .+: ?Still no rhyme/);
  });
}

browserTest('a change request without a note says so, instead of an older one', browser, async (s) => {
  const { buyerToken, contractorToken, task } = await deliveredDeal(srv, { title: 'Silent revision', description: 'A haiku.', priceSats: 100, quote: 'Three lines.', delivery: 'first' });
  await hire(buyerToken, 'POST', `/tasks/${task.id}/request-revision`, { body: 'An older note.' });
  await hire(contractorToken, 'POST', `/tasks/${task.id}/deliver`, { body: 'second' });
  await hire(buyerToken, 'POST', `/tasks/${task.id}/request-revision`);
  const contractor = await openTask(s, 'contractor', contractorToken, task.id, 1280);
  await expectText(contractor.getByTestId('delivery-note-body'), 'The buyer sent the delivery back without a note: Messages is the place to ask what should change.');
});
