// The marketplace and the account through MCP tools, over real HTTP with the SDK's own client: AI
// for Hire tasks (one delivery, milestones with checks), ratings and profiles, the webhook, child
// tokens, the history and the low-balance alert; the money moves as over HTTP, the audit stays clean.
import { describe, expect, it } from 'vitest';
import { useMcpTestServer, type Structured } from './testing.js';

describe.each(['postgres', 'pglite'] as const)('the MCP tools of the marketplace and the account on %s', (store) => {
  const m = useMcpTestServer(store);
  const { balanceMsat, buyToken, connect, ok, fails } = m;

  it('runs an AI for Hire task through tools: post, quote with a second token, accept, deliver, confirm; the money moves as over HTTP', async () => {
    const buyerToken = await buyToken(1000);
    const contractorToken = await buyToken(100);
    const buyer = await connect(buyerToken);
    const contractor = await connect(contractorToken);
    const fee = m.catalog.hire.post_task_sats;
    const quoteFee = m.catalog.hire.quote_sats;

    const task = await ok(buyer, 'hire_post_task', { title: 'Translate a poem', description: 'From French to English.', budget_sats: 400 });
    expect(task).toMatchObject({ status: 'open', budget_sats: 400, receipt: { charged_sats: fee, balance_sats: 1000 - fee } });
    const listed = await ok(contractor, 'hire_list_tasks', { status: 'open' });
    expect(listed.tasks.map((x: Structured) => x.id)).toContain(task.id);

    const quote = await ok(contractor, 'hire_post_quote', { task_id: task.id, price_sats: 300, description: 'Done in an hour.' });
    expect(quote).toMatchObject({ price_sats: 300, receipt: { charged_sats: quoteFee, balance_sats: 100 - quoteFee } });
    // a buyer cannot quote on their own task
    expect((await fails(buyer, 'hire_post_quote', { task_id: task.id, price_sats: 10, description: 'me' })).error.code).toBe('forbidden');

    const accepted = await ok(buyer, 'hire_accept_quote', { task_id: task.id, quote_id: quote.id, expected_price_sats: 300 });
    expect(accepted.status).toBe('awarded');
    expect(await balanceMsat(buyerToken)).toBe(BigInt(1000 - fee - 300) * 1000n);
    // only the contractor delivers
    expect((await fails(buyer, 'hire_deliver', { task_id: task.id, body: 'mine' })).error.code).toBe('forbidden');
    expect((await ok(contractor, 'hire_deliver', { task_id: task.id, body: 'The translated poem.' })).status).toBe('delivered');
    const shown = await ok(buyer, 'hire_get_task', { task_id: task.id });
    expect(JSON.stringify(shown)).toContain('The translated poem.');
    expect((await ok(buyer, 'hire_confirm', { task_id: task.id })).status).toBe('completed');

    expect(await balanceMsat(contractorToken)).toBe(BigInt(100 - quoteFee + 300) * 1000n);
    const me = await ok(contractor, 'hire_me');
    expect(me.balance_sats).toBe(100 - quoteFee + 300);
    // the ledger still balances after all of it
    expect((await m.testServer.server.ledger.audit()).problems).toEqual([]);
  });

  it('runs a milestone task with a schema-checked milestone through tools, then both sides rate the deal and read the profiles', async () => {
    const buyerToken = await buyToken(1000);
    const contractorToken = await buyToken(100);
    const buyer = await connect(buyerToken);
    const contractor = await connect(contractorToken);
    const anyone = await connect(null);
    const fee = m.catalog.hire.post_task_sats;
    const quoteFee = m.catalog.hire.quote_sats;

    // the posting's milestones and checks reach the task (they are the tool's input schema)
    const milestones = [
      { title: 'First stanza', amount_sats: 100 },
      { title: 'Rest', amount_sats: 200, acceptance: { json_schema: { type: 'object', required: ['lines'] } } },
    ];
    expect((await fails(buyer, 'hire_post_task', { title: 't', description: 'd', milestones, acceptance: { sha256: 'ab'.repeat(32) } })).error).toMatchObject({ code: 'invalid_field_value', field: 'acceptance' });
    expect((await fails(buyer, 'hire_post_task', { title: 't', description: 'd', milestones, budget_sats: 301 })).error).toMatchObject({ code: 'invalid_field_value', field: 'budget_sats' });
    const task = await ok(buyer, 'hire_post_task', { title: 'Translate a poem', description: 'Two parts.', milestones });
    expect(task).toMatchObject({ status: 'open', budget_sats: 300, receipt: { charged_sats: fee } });
    expect(task.milestones.map((m: Structured) => [m.title, m.amount_sats])).toEqual([['First stanza', 100], ['Rest', 200]]);

    // a quote changed before it is accepted; a rating before the deal closed is refused
    const quote = await ok(contractor, 'hire_post_quote', { task_id: task.id, price_sats: 300, description: 'On it' });
    expect((await fails(contractor, 'hire_edit_quote', { task_id: task.id, quote_id: quote.id })).error.code).toBe('missing_required_field');
    // a milestone task is fixed-price: a quote offers exactly their sum
    expect((await fails(contractor, 'hire_edit_quote', { task_id: task.id, quote_id: quote.id, price_sats: 250 })).error).toMatchObject({ code: 'invalid_field_value', field: 'price_sats' });
    expect(await ok(contractor, 'hire_edit_quote', { task_id: task.id, quote_id: quote.id, description: 'On it, in rhyme' })).toMatchObject({ id: quote.id, price_sats: 300, description: 'On it, in rhyme' });
    await ok(buyer, 'hire_accept_quote', { task_id: task.id, quote_id: quote.id, expected_price_sats: 300 });
    expect((await fails(buyer, 'hire_rate', { task_id: task.id, stars: 5 })).error.code).toBe('invalid_state');

    // the first milestone by confirmation, the second by its check: a failing delivery is refused with the reason
    await ok(contractor, 'hire_deliver', { task_id: task.id, body: 'Stanza one' });
    await ok(buyer, 'hire_confirm', { task_id: task.id });
    expect(await balanceMsat(contractorToken)).toBe(BigInt(100 - quoteFee + 100) * 1000n);
    const refused = await fails(contractor, 'hire_deliver', { task_id: task.id, body: '{"verses": []}' });
    expect(refused.error.code).toBe('invalid_field_value');
    const done = await ok(contractor, 'hire_deliver', { task_id: task.id, body: '{"lines": ["..."]}' });
    expect(done).toMatchObject({ status: 'completed', outcome: 'acceptance_check' });
    expect(await balanceMsat(contractorToken)).toBe(BigInt(100 - quoteFee + 300) * 1000n);

    // each side rates once; the profiles (no token needed) count the closed deal
    expect(await ok(buyer, 'hire_rate', { task_id: task.id, stars: 4, comment: 'Good rhymes' })).toMatchObject({ stars: 4 });
    expect((await fails(buyer, 'hire_rate', { task_id: task.id, stars: 5 })).error.code).toBe('invalid_state');
    await ok(contractor, 'hire_rate', { task_id: task.id, stars: 5 });
    const shown = await ok(anyone, 'hire_get_task', { task_id: task.id });
    const contractorProfile = shown.quotes[0].contractor_profile as string;
    expect(await ok(anyone, 'hire_profile', { profile_id: contractorProfile })).toMatchObject({ id: contractorProfile, completed: 1, sats_earned: 300, ratings: { count: 1, mean: 4 } });
    expect(await ok(anyone, 'hire_profile', { profile_id: shown.buyer_profile })).toMatchObject({ sats_paid: 300, ratings: { count: 1, mean: 5 } });
    expect((await fails(anyone, 'hire_profile', { profile_id: 'prf_nobody' })).error.code).toBe('not_found');
    expect((await m.testServer.server.ledger.audit()).problems).toEqual([]);
  });

  it('a child token made, spent, watched and revoked through tools; the history and the daily totals read as over HTTP', async () => {
    const parentToken = await buyToken(1000);
    const parent = await connect(parentToken);
    const made = await ok(parent, 'child_token_create', { amount_sats: 200, max_sats_per_day: 100, apis: ['openai'] });
    expect(made).toMatchObject({ amount_sats: 200, balance_sats: 200 });
    expect(made.token).toMatch(/^abl_/);
    expect(await balanceMsat(parentToken)).toBe(800_000n);
    expect((await ok(parent, 'child_token_list')).data.map((c: Structured) => [c.id, c.balance_sats])).toEqual([[made.id, 200]]);

    // the child spends within its limits; its alert shows in the receipts once it is below
    const child = await connect(made.token);
    expect((await fails(child, 'hire_post_task', { title: 't', description: 'd' })).error.code).toBe('forbidden');
    expect(await ok(child, 'balance_alert', { below_sats: 170 })).toEqual({ below_sats: 170 });
    const first = await ok(child, 'openai_images_generations', { model: 'dall-e-2', prompt: 'A lighthouse of coins' });
    expect(first.receipt).toMatchObject({ charged_sats: 20, balance_sats: 180 });
    expect(first.receipt.balance_low).toBeUndefined();
    const second = await ok(child, 'openai_images_generations', { model: 'dall-e-2', prompt: 'A harbour of coins' });
    expect(second.receipt).toMatchObject({ charged_sats: 20, balance_sats: 160, balance_low: true });

    // its history, a page at a time, newest first; its day's totals
    const page = await ok(child, 'usage_history', { limit: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ kind: 'call', request_id: second.receipt.request_id, amount_msat: -20_000, balance_after_msat: 160_000 });
    const next = await ok(child, 'usage_history', { limit: 50, cursor: page.next_cursor });
    expect(next.data.map((r: Structured) => r.request_id ?? r.kind)).toEqual([first.receipt.request_id, 'child_token']);
    expect(next.next_cursor).toBeNull();
    expect((await fails(child, 'usage_history', { limit: 0 })).error).toMatchObject({ code: 'invalid_field_value', field: 'limit' });
    // summed over the days shown: a run across midnight (UTC) splits them over two; its budget from the parent is a move, not a credit
    const days = (await ok(child, 'usage_daily')).days as Structured[];
    const sum = (f: (d: Structured) => number) => days.reduce((total, d) => total + f(d), 0);
    expect([sum((d) => d.spent_msat), sum((d) => d.credited_msat), sum((d) => d.by_api.openai ?? 0)]).toEqual([40_000, 0, 40_000]);

    // revoked by its parent: what it had left comes back, and the child token is refused
    expect(await ok(parent, 'child_token_revoke', { token_id: made.id })).toMatchObject({ id: made.id, revoked: true, returned_sats: 160 });
    expect(await balanceMsat(parentToken)).toBe(960_000n);
    expect((await fails(child, 'balance')).error.code).toBe('invalid_token');
    expect((await m.testServer.server.ledger.audit()).problems).toEqual([]);
  });

  it('sets, shows and removes the token\'s webhook through tools', async () => {
    const client = await connect(await buyToken(10));
    const url = 'https://agent.example/hooks/abl';
    const set = await ok(client, 'hire_set_webhook', { url });
    expect(set.url).toBe(url);
    expect(typeof set.secret).toBe('string');
    const shown = await ok(client, 'hire_get_webhook');
    expect(shown.url).toBe(url);
    expect(shown.secret).toBeUndefined();
    expect(await ok(client, 'hire_remove_webhook')).toEqual({ deleted: true });
    expect((await fails(client, 'hire_set_webhook', { url: 'not a url' })).error.code).toBe('invalid_field_value');
  });
});
