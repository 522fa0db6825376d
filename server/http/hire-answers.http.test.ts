// The contract's schemas are the truth about AI for Hire: a real server on PostgreSQL, paid through
// a development node that pays collects out to a second, peered node, is driven through the whole
// lifecycle, and every answer must match its strict schema in contract/hire-views.ts exactly.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '../../contract/api.js';
import { ErrorBodySchema, PaymentRequiredSchema } from '../../contract/error-bodies.js';
import * as v from '../../contract/hire-views.js';
import { startDevnode } from '../lightning/devnode/index.js';
import { signWebhook } from '../lightning/webhook.js';
import { answerChecker } from '../testing/answers.js';
import { call, startTestDevnode, startTestServer, type TestDevnode, type TestServer } from '../testing/harness.js';

const H = '/api/v1/ai-for-hire';

describe('AI for Hire answers exactly the shapes of contract/hire-views.ts', () => {
  let receiver: TestDevnode;
  let payer: TestDevnode;
  let t: TestServer;
  const { expectAnswer, unchecked } = answerChecker();
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  const as = (token: string, body?: unknown) => ({ headers: { 'x-token': token }, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    receiver = await startTestDevnode();
    const password = randomBytes(12).toString('hex');
    const node = await startDevnode({ host: '127.0.0.1', port: 0, password, peers: [{ url: receiver.url, password: receiver.password }] });
    payer = { url: node.url, password, nodeId: node.nodeId, close: () => node.close() };
    t = await startTestServer({ store: 'postgres', devnode: payer });
  });
  afterAll(async () => {
    await t?.close();
    await payer?.close();
    await receiver?.close();
  });

  async function buyToken(sats: number): Promise<string> {
    const created = (await api('POST', '/api/v1/topup', { body: { amount_sats: sats } })).body;
    return (await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.invoice) } })).body.token;
  }

  async function invoiceOnReceiver(sats: number): Promise<string> {
    const res = await request(`${receiver.url}/createinvoice`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`:${receiver.password}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ amountSat: String(sats), description: 'collect' }).toString(),
    });
    return ((await res.body.json()) as { serialized: string }).serialized;
  }

  const postTask = async (token: string, title: string) =>
    expectAnswer(v.PostedTaskSchema, await api('POST', `${H}/tasks`, as(token, { title, description: 'Described.', budget_sats: 400 })), 201);
  const postQuote = async (token: string, taskId: string, price: number) =>
    expectAnswer(v.PostedQuoteSchema, await api('POST', `${H}/tasks/${taskId}/quotes`, as(token, { price_sats: price, description: 'Quoted.' })), 201);
  const taskAnswer = async (method: string, path: string, token: string, body?: unknown) => expectAnswer(v.TaskSchema, await api(method, path, as(token, body)), 200);
  const detail = async (id: string, token?: string) => expectAnswer(v.TaskDetailSchema, await api('GET', `${H}/tasks/${id}`, token ? as(token) : {}), 200);

  it('runs a task from posting to confirmation, every answer in its schema', async () => {
    const [buyer, contractor, rival] = [await buyToken(1000), await buyToken(100), await buyToken(100)];
    const posted = await postTask(buyer, 'Translate a poem');
    expect(posted).toMatchObject({ status: 'open', quote_count: 0, quotes: [] });
    expect(posted.token).toBeUndefined();
    expect(expectAnswer(v.TaskListSchema, await api('GET', `${H}/tasks?status=open&limit=100`), 200).tasks.map((x) => x.id)).toContain(posted.id);

    const quote = await postQuote(contractor, posted.id, 350);
    const other = await postQuote(rival, posted.id, 380);
    expect(expectAnswer(v.QuoteSchema, await api('PATCH', `${H}/tasks/${posted.id}/quotes/${quote.id}`, as(contractor, { price_sats: 300 })), 200).price_sats).toBe(300);
    expect(expectAnswer(v.QuoteSchema, await api('POST', `${H}/tasks/${posted.id}/quotes/${other.id}/withdraw`, as(rival, {})), 200).status).toBe('withdrawn');
    const publicView = await detail(posted.id);
    expect(publicView.quotes).toHaveLength(2);
    expect(publicView.role).toBeUndefined();

    const thread = `${H}/tasks/${posted.id}/quotes/${quote.id}/messages`;
    expect(expectAnswer(v.MessageSchema, await api('POST', thread, as(buyer, { body: 'Rhymes kept?' })), 201)).toMatchObject({ sender: 'buyer', kind: 'message', read: false });
    const mine = expectAnswer(v.MeSchema, await api('GET', `${H}/me`, as(contractor)), 200);
    expect(mine).toMatchObject({ unread_messages: 1, quotes: [{ id: quote.id, task_title: 'Translate a poem', task_status: 'open' }] });
    expect(expectAnswer(v.MessageListSchema, await api('GET', thread, as(contractor)), 200).messages).toHaveLength(1);

    expect(await taskAnswer('POST', `${H}/tasks/${posted.id}/quotes/${quote.id}/accept`, buyer, { expected_price_sats: 300 })).toMatchObject({ status: 'awarded', price_sats: 300 });
    expect(await detail(posted.id, buyer)).toMatchObject({ role: 'buyer', delivery: null, contractor_paid_sats: null, buyer_refunded_sats: null });
    await taskAnswer('POST', `${H}/tasks/${posted.id}/deliver`, contractor, { body: 'First draft' });
    expect((await taskAnswer('POST', `${H}/tasks/${posted.id}/request-revision`, buyer, { body: 'Closer to the metre' })).status).toBe('revision_requested');
    await taskAnswer('POST', `${H}/tasks/${posted.id}/deliver`, contractor, { body: 'The translation' });
    expect(await detail(posted.id, contractor)).toMatchObject({ role: 'contractor', delivery: { body: 'The translation' } });
    expect(await taskAnswer('POST', `${H}/tasks/${posted.id}/confirm`, buyer)).toMatchObject({ status: 'completed', outcome: 'confirmed' });
    expect(await detail(posted.id, buyer)).toMatchObject({ contractor_paid_sats: 300, buyer_refunded_sats: 0 });
    const buyerMe = expectAnswer(v.MeSchema, await api('GET', `${H}/me`, as(buyer)), 200);
    expect(buyerMe.tasks.map((x) => x.id)).toContain(posted.id);

    const refused = expectAnswer(ErrorBodySchema, await api('POST', `${H}/tasks/${posted.id}/confirm`, as(buyer)), 409);
    expect(refused.error.code).toBe('invalid_state');
    expect(expectAnswer(ErrorBodySchema, await api('POST', `${H}/tasks/${posted.id}/deliver`, as(rival, { body: 'x' })), 403).error.code).toBe('forbidden');
  });

  it('cancels, disputes and resolves, collects to another node', async () => {
    const [buyer, contractor] = [await buyToken(600), await buyToken(300)];
    const cancelled = await postTask(buyer, 'Never mind');
    expect((await taskAnswer('POST', `${H}/tasks/${cancelled.id}/cancel`, buyer)).status).toBe('cancelled');

    const disputed = await postTask(buyer, 'Disputed');
    const quote = await postQuote(contractor, disputed.id, 200);
    await taskAnswer('POST', `${H}/tasks/${disputed.id}/quotes/${quote.id}/accept`, buyer);
    await taskAnswer('POST', `${H}/tasks/${disputed.id}/deliver`, contractor, { body: 'Half of it' });
    expect((await taskAnswer('POST', `${H}/tasks/${disputed.id}/dispute`, buyer, { body: 'Only half done' })).status).toBe('disputed');
    const admin = { authorization: `Admin ${t.server.adminSecret()}` };
    // two shares that do not add up to the escrow: refused, nothing moved
    const inconsistent = await api('POST', `/api/v1/admin/ai-for-hire/tasks/${disputed.id}/resolve`, { body: { outcome: 'split', buyer_sats: 80, contractor_sats: 80 }, headers: admin });
    expect([inconsistent.status, inconsistent.body.error.code, inconsistent.body.error.field]).toEqual([400, 'invalid_field_value', 'contractor_sats']);
    const resolved = await api('POST', `/api/v1/admin/ai-for-hire/tasks/${disputed.id}/resolve`, { body: { outcome: 'split', buyer_sats: 80, contractor_sats: 120 }, headers: admin });
    expect(expectAnswer(v.ResolvedTaskSchema, resolved, 200)).toMatchObject({ status: 'split', outcome: 'admin_split', contractor_paid_sats: 120, buyer_refunded_sats: 80 });

    const paid = expectAnswer(v.PayoutSchema, await api('POST', `${H}/collect`, as(contractor, { invoice: await invoiceOnReceiver(200) })), 200);
    expect(paid).toMatchObject({ status: 'succeeded', paid_sats: 200, preimage: expect.any(String) });
    const again = expectAnswer(v.PayoutSchema, await api('GET', `${H}/collect/${paid.payment_hash}`, as(contractor)), 200);
    expect(again).toEqual(paid);
  });

  it('a milestone task with a schema-checked delivery, every answer in its schema', async () => {
    const [buyer, contractor] = [await buyToken(600), await buyToken(100)];
    const milestones = [
      { title: 'Outline', amount_sats: 100 },
      { title: 'Data', amount_sats: 150, deadline_seconds: 3600, acceptance: { json_schema: { type: 'array', items: { type: 'number' }, minItems: 1 } } },
    ];
    const posted = expectAnswer(v.PostedTaskSchema, await api('POST', `${H}/tasks`, as(buyer, { title: 'In two parts', description: 'Outline, then data.', milestones })), 201);
    expect(posted).toMatchObject({ budget_sats: 250, current_milestone: 0, released_sats: 0, milestones: [{ index: 0, status: 'pending' }, { index: 1, deadline_seconds: 3600 }] });
    const quote = await postQuote(contractor, posted.id, 250);
    await taskAnswer('POST', `${H}/tasks/${posted.id}/quotes/${quote.id}/accept`, buyer);
    await taskAnswer('POST', `${H}/tasks/${posted.id}/deliver`, contractor, { body: 'An outline' });
    expect(await taskAnswer('POST', `${H}/tasks/${posted.id}/confirm`, buyer)).toMatchObject({ status: 'awarded', current_milestone: 1, released_sats: 100 });
    const bad = expectAnswer(ErrorBodySchema, await api('POST', `${H}/tasks/${posted.id}/deliver`, as(contractor, { body: '["x"]' })), 400);
    expect(bad.error).toMatchObject({ code: 'invalid_field_value', field: 'body', message: expect.stringMatching(/must be number/) });
    expect(await taskAnswer('POST', `${H}/tasks/${posted.id}/deliver`, contractor, { body: '[1, 2.5]' })).toMatchObject({ status: 'completed', outcome: 'acceptance_check' });
    expect((await detail(posted.id, contractor)).milestones.map((m) => m.status)).toEqual(['released', 'released']);

    // the closed deal can be rated, once by each side; the profile shows it
    const early = await postTask(buyer, 'Not closed');
    expect(expectAnswer(ErrorBodySchema, await api('POST', `${H}/tasks/${early.id}/rating`, as(buyer, { stars: 5 })), 409).error.code).toBe('invalid_state');
    expect(expectAnswer(ErrorBodySchema, await api('POST', `${H}/tasks/${posted.id}/rating`, as(contractor, { stars: 6 })), 400).error.field).toBe('stars');
    expect((await detail(posted.id, buyer)).rated).toBe(false);
    const rating = expectAnswer(v.RatingSchema, await api('POST', `${H}/tasks/${posted.id}/rating`, as(buyer, { stars: 5, comment: 'Fast and exact' })), 201);
    expect(rating).toMatchObject({ rated_profile: quote.contractor_profile, as: 'buyer', amount_sats: 250 });
    expect(expectAnswer(ErrorBodySchema, await api('POST', `${H}/tasks/${posted.id}/rating`, as(buyer, { stars: 1 })), 409).error.code).toBe('invalid_state');
    // each side reads on the task whether it rated (a page shows its rating form only until then)
    expect([(await detail(posted.id, buyer)).rated, (await detail(posted.id, contractor)).rated, (await detail(posted.id)).rated]).toEqual([true, false, undefined]);
    const record = expectAnswer(v.ProfileSchema, await api('GET', `${H}/profiles/${quote.contractor_profile}`), 200);
    expect(record).toMatchObject({ completed: 1, sats_earned: 250, ratings: { count: 1, mean: 5 } });
    expect(expectAnswer(ErrorBodySchema, await api('GET', `${H}/profiles/nobody`), 404).error.code).toBe('not_found');
  });

  it('sets, shows and removes a webhook', async () => {
    const token = await buyToken(10);
    const set = expectAnswer(v.WebhookSchema, await api('PUT', `${H}/webhook`, as(token, { url: 'https://agent.example/hook' })), 200);
    expect(set.secret).toMatch(/^whsec_/);
    expect(expectAnswer(v.WebhookSchema, await api('GET', `${H}/webhook`, as(token)), 200)).toEqual({ url: set.url, created_at: set.created_at });
    expect(expectAnswer(ErrorBodySchema, await api('PUT', `${H}/webhook`, as(token, { url: 'not a url' })), 400).error.field).toBe('url');
    expect(expectAnswer(v.WebhookDeletedSchema, await api('DELETE', `${H}/webhook`, as(token)), 200)).toEqual({ deleted: true });
    expect(expectAnswer(ErrorBodySchema, await api('GET', `${H}/webhook`, as(token)), 404).error.code).toBe('not_found');
  });

  it('a caller without credentials gets a 402 with a new token; an L402-paid quote answers that token', async () => {
    const buyer = await buyToken(100);
    const task = await postTask(buyer, 'Paid by Lightning');
    const challenge = expectAnswer(PaymentRequiredSchema, await api('POST', `${H}/tasks/${task.id}/quotes`, { body: { price_sats: 10, description: 'me' } }), 402);
    expect(challenge).toMatchObject({ error: { code: 'payment_required' }, amount_sats: 10, token: expect.stringMatching(/^abl_/) });
    const l402 = `L402 ${challenge.macaroon}:${await t.pay(challenge.invoice)}`;
    const quote = expectAnswer(v.PostedQuoteSchema, await api('POST', `${H}/tasks/${task.id}/quotes`, { body: { price_sats: 10, description: 'me' }, headers: { authorization: l402 } }), 201);
    expect(quote.token).toMatch(/^abl_/);
  });

  it('acknowledges a signed phoenixd webhook', async () => {
    const created = (await api('POST', '/api/v1/topup', { body: { amount_sats: 5 } })).body;
    await t.pay(created.invoice);
    const body = JSON.stringify({ type: 'payment_received', timestamp: 1_700_000_000_000, amountSat: 5, paymentHash: created.payment_hash, externalId: 'topup' });
    const hook = await api('POST', '/api/v1/webhooks/phoenixd', { rawBody: body, headers: { 'content-type': 'application/json', 'x-phoenix-signature': signWebhook(body, t.webhookSecret) } });
    expect(expectAnswer(core.WebhookAckSchema, hook, 200)).toEqual({ received: true });
  });

  it('checked every AI for Hire answer schema against a real answer', () => {
    // the status enums and the list items are parts of answers, checked within them
    const { TaskStatusSchema: _status, QuoteStatusSchema: _quoteStatus, TaskSummarySchema: _inLists, MyQuoteSchema: _inMe, MilestoneSchema: _inTasks, ...answers } = v;
    expect(unchecked(answers)).toEqual([]);
  });
});
