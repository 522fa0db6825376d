// A milestone task's page names the amount that applies, never the whole price: the buyer's
// confirm and review deadline name the delivered milestone's amount, "In escrow" and the delivery
// deadline what the escrow still holds after a release, the milestones' heading everything once
// completed; a task refunded or split after a release says what went to each side. The pages'
// clocks are installed: only the task's live events (and reloads) change them.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { call } from '../../server/testing/harness.js';
import { balanceOf, browserTest, expectText, fundToken, hireApi, horizontalOverflow, useBrowser, useDevServer } from './harness.js';

const browser = useBrowser();
const srv = useDevServer();

const hire = hireApi(srv);

/** The operator settles a dispute (as `npm run admin -- resolve` does). */
async function resolve(taskId: string, body: { outcome: 'refund' } | { outcome: 'split'; buyer_sats: number }): Promise<void> {
  const r = await call(srv.url, 'POST', `/api/v1/admin/ai-for-hire/tasks/${taskId}/resolve`, { body, headers: { authorization: `Admin ${srv.server.adminSecret()}` } });
  if (r.status !== 200) throw new Error(`resolve: ${r.status} ${JSON.stringify(r.body)}`);
}

/** A posted task of `amounts` with its quote accepted (the whole sum in escrow). */
async function awardedMilestoneTask(title: string, amounts: number[]) {
  const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 1000), fundToken(srv, 100)]);
  const milestones = amounts.map((amount_sats, i) => ({ title: `Part ${i + 1}`, amount_sats }));
  const task = await hire(buyerToken, 'POST', '/tasks', { title, description: 'In parts.', milestones });
  const total = amounts.reduce((a, b) => a + b, 0);
  const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: total, description: 'All parts' });
  await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/accept`, { expected_price_sats: total });
  return { taskId: task.id as string, buyerToken, contractorToken };
}

const badge = (page: Page) => page.getByTestId('task-page').locator('.page-head').getByTestId('status-badge');
const heading = (page: Page) => page.getByTestId('milestones').locator('h2');

browserTest('120 + 80 sats: the buyer confirms 120, then 80 stay in escrow, then all 200 are released', browser, async (s) => {
  const { taskId, buyerToken, contractorToken } = await awardedMilestoneTask('Two-part report', [120, 80]);
  const buyer = await s.page({ name: 'buyer', token: buyerToken, width: 390, height: 844 });
  await buyer.clock.install(); // the page's polling never fires: events move it
  await buyer.goto(`${srv.url}/hire/tasks/${taskId}`);
  await expectText(buyer.getByTestId('task-escrow'), /^In escrow: 200 sats/);
  await expectText(buyer.getByTestId('deadline-delivery'), 'Without a delivery by then, 200 sats come back to your balance.');

  // the first milestone delivered: the buyer's words name its 120, the escrow still holds 200
  await hire(contractorToken, 'POST', `/tasks/${taskId}/deliver`, { body: 'Part one' });
  await expectText(badge(buyer), 'delivered');
  await expectText(buyer.getByTestId('confirm-delivery-button'), 'Confirm delivery and release 120 sats');
  await expectText(buyer.getByTestId('deadline-review'), 'otherwise 120 sats are released to the contractor automatically.');
  await expectText(buyer.getByTestId('task-escrow'), /^In escrow: 200 sats/);
  await buyer.getByTestId('dispute-toggle').click();
  await expectText(buyer.getByTestId('dispute-form'), 'A dispute stops the automatic release: 200 sats stay in escrow');
  await buyer.getByTestId('confirm-delivery-button').click();
  await expectText(buyer.getByRole('group'), 'Release 120 sats from escrow to the contractor?');
  await buyer.getByTestId('confirm-delivery-button-confirm').click();

  // released: 80 left in escrow, and that is what a missed delivery would give back
  await expectText(buyer.getByTestId('milestone-0'), /released/);
  await expectText(heading(buyer), 'Milestones (120 sats of 200 sats released)');
  await expectText(buyer.getByTestId('task-escrow'), /^In escrow: 80 sats/);
  await expectText(buyer.getByTestId('deadline-delivery'), 'Without a delivery by then, 80 sats come back to your balance.');
  expect(await balanceOf(srv, contractorToken)).toBe(100 - 10 + 120);

  // the contractor's side of the same moment
  const contractor = await s.page({ name: 'contractor', token: contractorToken, width: 1280 });
  await contractor.clock.install();
  await contractor.goto(`${srv.url}/hire/tasks/${taskId}`);
  await expectText(contractor.getByTestId('task-escrow'), /^In escrow: 80 sats/);
  await expectText(contractor.getByTestId('deadline-delivery'), 'Without a delivery by then, 80 sats go back to the buyer.');

  // the second (last) milestone: confirming releases its 80, and the task is completed
  await contractor.getByTestId('deliver-input').fill('Part two');
  await contractor.getByTestId('deliver-button').click();
  await expectText(contractor.getByTestId('deadline-review'), ', 80 sats are released to you automatically.');
  await expectText(buyer.getByTestId('confirm-delivery-button'), 'Confirm delivery and release 80 sats');
  await buyer.getByTestId('confirm-delivery-button').click();
  await buyer.getByTestId('confirm-delivery-button-confirm').click();
  await expectText(badge(buyer), 'completed');
  await expectText(heading(buyer), 'Milestones (200 sats of 200 sats released)');
  await expectText(buyer.getByTestId('task-outcome'), 'Completed: 200 sats went to the contractor.');
  await expectText(heading(contractor), 'Milestones (200 sats of 200 sats released)');
  await expectText(contractor.getByTestId('task-outcome'), 'Completed: 200 sats were added to your balance.');
  expect(await balanceOf(srv, contractorToken)).toBe(100 - 10 + 200);
});

/** 100 + 200 sats, the first released, the second delivered and disputed: the operator's turn. */
async function disputedAfterARelease(title: string) {
  const t = await awardedMilestoneTask(title, [100, 200]);
  await hire(t.contractorToken, 'POST', `/tasks/${t.taskId}/deliver`, { body: 'Part one' });
  await hire(t.buyerToken, 'POST', `/tasks/${t.taskId}/confirm`);
  await hire(t.contractorToken, 'POST', `/tasks/${t.taskId}/deliver`, { body: 'Part two, disputed' });
  await hire(t.buyerToken, 'POST', `/tasks/${t.taskId}/dispute`, { body: 'Not what we agreed' });
  return t;
}

browserTest('100 + 200 sats refunded after the first was released: each side and a visitor read what went where', browser, async (s) => {
  const { taskId, buyerToken, contractorToken } = await disputedAfterARelease('Refunded in part');
  const buyer = await s.page({ name: 'buyer', token: buyerToken, width: 390, height: 844 });
  await buyer.clock.install();
  await buyer.goto(`${srv.url}/hire/tasks/${taskId}`);
  await expectText(buyer.getByTestId('task-escrow'), /^In escrow: 200 sats.*the operator decides how it is divided/);

  await resolve(taskId, { outcome: 'refund' });
  await expectText(badge(buyer), 'refunded');
  await expectText(buyer.getByTestId('task-outcome'), 'Refunded: 200 sats came back to your balance (the operator settled the dispute). The contractor keeps 100 sats for released milestones.');
  await expectText(heading(buyer), 'Milestones (100 sats of 300 sats released)');
  expect(await balanceOf(srv, buyerToken)).toBe(1000 - 50 - 300 + 200);

  const contractor = await s.page({ name: 'contractor', token: contractorToken });
  await contractor.goto(`${srv.url}/hire/tasks/${taskId}`);
  await expectText(contractor.getByTestId('task-outcome'), 'Refunded: 200 sats went back to the buyer (the operator settled the dispute). You keep 100 sats for released milestones.');

  const visitor = await s.page({ name: 'visitor' });
  await visitor.goto(`${srv.url}/hire/tasks/${taskId}`);
  await expectText(visitor.getByTestId('task-outcome'), 'Refunded: 200 sats to the buyer; the contractor keeps 100 sats for released milestones.');
});

browserTest('100 + 200 sats split after the first was released: the contractor’s total counts the released milestone', browser, async (s) => {
  const { taskId, buyerToken, contractorToken } = await disputedAfterARelease('Split in part');
  await resolve(taskId, { outcome: 'split', buyer_sats: 150 }); // of the 200 still held: 50 more to the contractor

  const buyer = await s.page({ name: 'buyer', token: buyerToken });
  await buyer.goto(`${srv.url}/hire/tasks/${taskId}`);
  await expectText(buyer.getByTestId('task-outcome'), 'The operator split the escrow: 150 sats back to your balance, 150 sats to the contractor in all (100 sats of it for milestones released before).');
  const contractor = await s.page({ name: 'contractor', token: contractorToken, width: 390, height: 844 });
  await contractor.goto(`${srv.url}/hire/tasks/${taskId}`);
  await expectText(contractor.getByTestId('task-outcome'), 'The operator split the escrow: 150 sats to your balance in all (100 sats of it for milestones released before), 150 sats back to the buyer.');
  await expectText(heading(contractor), 'Milestones (100 sats of 300 sats released)');
  expect(await balanceOf(srv, contractorToken)).toBe(100 - 10 + 150);
  const audit = await srv.server.ledger.audit();
  expect(audit.problems).toEqual([]);
});

for (const width of [390, 1280]) {
  browserTest(`${width}px: the contractor reads each milestone's acceptance JSON Schema, formatted, and a sha256 in full`, browser, async (s) => {
    const [buyerToken, contractorToken] = await Promise.all([fundToken(srv, 1000), fundToken(srv, 100)]);
    const schema = { type: 'object', required: ['title', 'lines'], properties: { title: { type: 'string', maxLength: 80 }, lines: { type: 'array', minItems: 3 } } };
    const sha256 = 'ab'.repeat(32);
    const milestones = [
      { title: 'Draft', amount_sats: 40, acceptance: { json_schema: schema } },
      { title: 'Exact text', amount_sats: 60, acceptance: { sha256 } },
      { title: 'Review', amount_sats: 20 },
    ];
    const task = await hire(buyerToken, 'POST', '/tasks', { title: `Checked parts ${width}`, description: 'Machine-checked.', milestones });
    const quote = await hire(contractorToken, 'POST', `/tasks/${task.id}/quotes`, { price_sats: 120, description: 'All three' });
    await hire(buyerToken, 'POST', `/tasks/${task.id}/quotes/${quote.id}/accept`, { expected_price_sats: 120 });

    const contractor = await s.page({ name: 'contractor', token: contractorToken, width, height: width > 500 ? 900 : 844 });
    await contractor.goto(`${srv.url}/hire/tasks/${task.id}`);
    await expectText(contractor.getByTestId('task-page'), /you are the contractor/);
    const shown = contractor.getByTestId('milestone-0-check-schema').locator('pre');
    // as the API answered it (a JSON store may order its keys its own way), two spaces a level
    const text = (await shown.textContent()) ?? '';
    expect(JSON.parse(text)).toEqual(schema);
    expect(text).toMatch(/^\{\n {2}"[a-z]+": /);
    expect(text).toContain('\n    "title": {\n      "type": "string",');
    await expectText(contractor.getByTestId('milestone-0-check'), /satisfies the buyer’s JSON Schema/);
    await expectText(contractor.getByTestId('milestone-1-check'), `Machine-checked: released at once if the delivery’s sha256 is ${sha256}.`);
    expect(await contractor.getByTestId('milestone-2-check').count()).toBe(0);
    const o = await horizontalOverflow(contractor);
    expect(o.scrollWidth, `sideways scrolling: ${o.widest.join('; ')}`).toBeLessThanOrEqual(o.innerWidth);
    await s.shot(contractor, `hire-milestone-schema-${width}`);
  });
}
