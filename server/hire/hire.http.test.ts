// AI for Hire over real HTTP (the seed's e2e-test-hire.sh): a real server on PostgreSQL paid
// through a development node, which pays collects out to a SECOND, peered development node.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuyer } from '../../scripts/demo-buyer.js';
import { runContractor } from '../../scripts/demo-contractor.js';
import { startDevnode } from '../lightning/devnode/index.js';
import { buyToken as buyWith, collectFailedGivesBack, flowsOf, hireLifecycle } from '../testing/flows.js';
import { call, startTestDevnode, startTestServer, type TestDevnode, type TestServer } from '../testing/harness.js';

const H = '/api/v1/ai-for-hire';
const basic = (password: string) => `Basic ${Buffer.from(`:${password}`).toString('base64')}`;

async function devnodeForm(node: { url: string; password: string }, path: string, form: Record<string, string>): Promise<any> {
  const res = await request(`${node.url}/${path}`, {
    method: path.startsWith('payments') ? 'GET' : 'POST',
    headers: { authorization: basic(node.password), 'content-type': 'application/x-www-form-urlencoded' },
    ...(path.startsWith('payments') ? {} : { body: new URLSearchParams(form).toString() }),
  });
  return res.body.json();
}

describe('AI for Hire over HTTP', () => {
  let receiver: TestDevnode;
  let payer: TestDevnode;
  let t: TestServer;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  const as = (token: string, body?: unknown) => ({ headers: { 'x-token': token }, ...(body === undefined ? {} : { body }) });
  const invoiceOnReceiver = async (sats: number) => (await devnodeForm(receiver, 'createinvoice', { amountSat: String(sats), description: 'collect' })).serialized as string;
  const balance = async (token: string) => (await api('GET', `${H}/me`, as(token))).body.balance_sats as number;

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

  const flows = () =>
    flowsOf(t, {
      invoiceElsewhere: invoiceOnReceiver,
      receivedElsewhere: async (hash) => ((await devnodeForm(receiver, `payments/incoming/${hash}`, {})) as { receivedSat: number }).receivedSat,
    });
  const buyToken = (sats: number) => buyWith(flows(), sats);

  it('runs the lifecycle: post, quote, talk, accept, deliver, confirm, collect to another node', async () => {
    await hireLifecycle(flows());
  });

  it('auto-creates an account on a 402 and takes the L402-paid retry with both headers, once', async () => {
    const task = { title: 'Paid by Lightning', description: 'No account yet.' };
    const challenge = await api('POST', `${H}/tasks`, { body: task });
    expect(challenge.status).toBe(402);
    expect(challenge.body).toMatchObject({ error: { code: 'payment_required' }, amount_sats: 50, token: expect.stringMatching(/^abl_/) });
    const www = challenge.headers['www-authenticate'] as string[];
    expect(www).toHaveLength(3); // LSAT, L402, then MPP's Payment for the same invoice
    expect(www[0]).toMatch(/^LSAT macaroon="[^"]+", invoice="lnbcrt/);
    expect(www[1]).toMatch(/^L402 /);
    expect(www[2]).toMatch(/^Payment id="/);
    const { token, macaroon, invoice } = challenge.body;
    expect(await balance(token)).toBe(0);

    const preimage = await t.pay(invoice);
    const both = { 'x-token': token, authorization: `L402 ${macaroon}:${preimage}` };
    const paid = await api('POST', `${H}/tasks`, { body: task, headers: both });
    expect(paid.status).toBe(201);
    expect(paid.body.token).toBeUndefined();
    expect((await api('GET', `${H}/me`, as(token))).body.tasks.map((x: { id: string }) => x.id)).toEqual([paid.body.id]);
    const replay = await api('POST', `${H}/tasks`, { body: task, headers: both });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('payment_already_used');

    const quoteChallenge = await api('POST', `${H}/tasks/${paid.body.id}/quotes`, { body: { price_sats: 10, description: 'me' } });
    expect(quoteChallenge.status).toBe(402);
    expect(quoteChallenge.body.amount_sats).toBe(10);
    const alone = await api('POST', `${H}/tasks/${paid.body.id}/quotes`, {
      body: { price_sats: 10, description: 'me' },
      headers: { authorization: `L402 ${quoteChallenge.body.macaroon}:${await t.pay(quoteChallenge.body.invoice)}` },
    });
    expect(alone.status).toBe(201);
    expect(alone.body).toMatchObject({ status: 'pending', token: expect.stringMatching(/^abl_/) });
    expect((await api('GET', `${H}/me`, as(alone.body.token))).body.quotes).toHaveLength(1);
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });

  it('answers bad input with a contract error, never a 500, and moves no money', async () => {
    const buyer = await buyToken(200);
    const id = (await api('POST', `${H}/tasks`, as(buyer, { title: 'x', description: 'y' }))).body.id as string;
    const other = (await api('POST', `${H}/tasks`, as(buyer, { title: 'x2', description: 'y2' }))).body.id as string;
    const contractor = await buyToken(50);
    const qOther = (await api('POST', `${H}/tasks/${other}/quotes`, as(contractor, { price_sats: 5, description: 'q' }))).body.id as string;
    const before = [await balance(buyer), await balance(contractor)];
    const cases: [string, string, unknown, number, string, string?][] = [
      ['POST', `${H}/tasks`, {}, 400, 'missing_required_field', 'title'],
      ['POST', `${H}/tasks`, { title: '', description: 'd' }, 400, 'invalid_field_value', 'title'],
      ['POST', `${H}/tasks`, { title: 't'.repeat(201), description: 'd' }, 400, 'invalid_field_value', 'title'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd'.repeat(20_001) }, 400, 'invalid_field_value', 'description'],
      ['POST', `${H}/tasks`, { title: 7, description: 'd' }, 400, 'invalid_field_type', 'title'],
      ['POST', `${H}/tasks`, { title: 'nul\u0000', description: 'd' }, 400, 'invalid_field_value', 'title'],
      ['POST', `${H}/tasks`, { title: '   ', description: 'd' }, 400, 'invalid_field_value', 'title'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', budget_sats: -1 }, 400, 'invalid_field_value', 'budget_sats'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', budget_sats: 1.5 }, 400, 'invalid_field_value', 'budget_sats'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', budget_sats: '5' }, 400, 'invalid_field_type', 'budget_sats'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', budget_sats: 1e300 }, 400, 'invalid_field_value', 'budget_sats'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', milestones: [] }, 400, 'invalid_field_value', 'milestones'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', milestones: [{ title: 'm', amount_sats: 0 }] }, 400, 'invalid_field_value', 'milestones.0.amount_sats'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', milestones: [{ title: 'm', amount_sats: 5 }], budget_sats: 6 }, 400, 'invalid_field_value', 'budget_sats'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', milestones: [{ title: 'm', amount_sats: 5 }], acceptance: { sha256: 'ab'.repeat(32) } }, 400, 'invalid_field_value', 'acceptance'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', milestones: [{ title: 'm', amount_sats: 5, acceptance: { json_schema: { type: 'nope' } } }] }, 400, 'invalid_field_value', 'milestones.0.acceptance.json_schema'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', acceptance: { json_schema: { pattern: '(a|a)*$' } } }, 400, 'invalid_field_value', 'acceptance.json_schema'],
      ['POST', `${H}/tasks`, { title: 't', description: 'd', acceptance: { sha256: 'xyz' } }, 400, 'invalid_field_value', 'acceptance.sha256'],
      ['POST', `${H}/tasks/${id}/quotes`, { price_sats: 0, description: 'q' }, 400, 'invalid_field_value', 'price_sats'],
      ['POST', `${H}/tasks/${id}/quotes`, { price_sats: 10_000_001, description: 'q' }, 400, 'invalid_field_value', 'price_sats'],
      ['POST', `${H}/tasks/${id}/quotes`, { price_sats: 5 }, 400, 'missing_required_field', 'description'],
      ['POST', `${H}/tasks/6a1f4c84-6a49-4b8e-9d1e-0c1f0b7e6c11/quotes`, { price_sats: 5, description: 'q' }, 404, 'not_found'],
      ['POST', `${H}/tasks/not-a-uuid/quotes`, { price_sats: 5, description: 'q' }, 404, 'not_found'],
      ['POST', `${H}/tasks/${id}/quotes/${qOther}/accept`, {}, 404, 'not_found'],
      ['PATCH', `${H}/tasks/${other}/quotes/${qOther}`, {}, 400, 'missing_required_field'],
      ['POST', `${H}/tasks/${other}/quotes/${qOther}/messages`, { body: '' }, 400, 'invalid_field_value', 'body'],
      ['POST', `${H}/tasks/${other}/quotes/${qOther}/messages`, { body: 'm'.repeat(20_001) }, 400, 'invalid_field_value', 'body'],
      ['POST', `${H}/collect`, {}, 400, 'missing_required_field', 'invoice'],
      ['POST', `${H}/collect`, { invoice: 'lnbc1qqqq' }, 400, 'invalid_field_value', 'invoice'],
      ['GET', `${H}/tasks?status=bogus`, undefined, 400, 'invalid_field_value', 'status'],
      ['GET', `${H}/tasks?status=open&status=awarded`, undefined, 400, 'invalid_field_value', 'status'],
      ['GET', `${H}/tasks?limit=5&limit=6`, undefined, 400, 'invalid_field_value', 'limit'],
      ['GET', `${H}/tasks?limit=0`, undefined, 400, 'invalid_field_value', 'limit'],
      ['GET', `${H}/tasks?offset=-1`, undefined, 400, 'invalid_field_value', 'offset'],
    ];
    for (const [method, path, body, status, code, field] of cases) {
      const res = await api(method, path, as(buyer, body));
      expect([path, res.status, res.body.error?.code]).toEqual([path, status, code]);
      if (field) expect(res.body.error.field).toBe(field);
    }
    const garbled = await api('POST', `${H}/tasks`, { rawBody: '{"title":', headers: { 'x-token': buyer, 'content-type': 'application/json' } });
    expect(garbled.body.error.code).toBe('invalid_json');
    expect((await api('GET', `${H}/me`, { headers: { 'x-token': `abl_${randomBytes(24).toString('base64url')}` } })).body.error.code).toBe('invalid_token');
    expect((await api('GET', `${H}/me`, { headers: { 'x-token': 'nope' } })).status).toBe(401);
    expect([await balance(buyer), await balance(contractor)]).toEqual(before);
  });

  it('a failed payout gives the balance back; the operator resolves disputes', async () => {
    const failed = await collectFailedGivesBack(flows(), async () => {
      await devnodeForm(payer, '_devnode/next-payment', { outcome: 'fail' });
    });
    expect(failed.message).toMatch(/injected failure/);

    const buyer = await buyToken(300);
    const contractor = await buyToken(20);
    const id = (await api('POST', `${H}/tasks`, as(buyer, { title: 'Disputed', description: 'd' }))).body.id as string;
    const qid = (await api('POST', `${H}/tasks/${id}/quotes`, as(contractor, { price_sats: 200, description: 'q' }))).body.id as string;
    await api('POST', `${H}/tasks/${id}/quotes/${qid}/accept`, as(buyer));
    await api('POST', `${H}/tasks/${id}/deliver`, as(contractor, { body: 'half of it' }));
    expect((await api('POST', `${H}/tasks/${id}/dispute`, as(buyer, { body: 'Only half done' }))).body.status).toBe('disputed');
    const path = `/api/v1/admin/ai-for-hire/tasks/${id}/resolve`;
    expect((await api('POST', path, { body: { outcome: 'release' } })).status).toBe(403);
    const resolved = await api('POST', path, { body: { outcome: 'split', buyer_sats: 80 }, headers: { authorization: `Admin ${t.server.adminSecret()}` } });
    expect(resolved.body).toMatchObject({ status: 'split', outcome: 'admin_split' });
    expect([await balance(buyer), await balance(contractor)]).toEqual([300 - 50 - 200 + 80, 10 + 120]);

    // the admin service's `resolve` command (npm run admin -- resolve <task> refund) does the same
    const second = (await api('POST', `${H}/tasks`, as(buyer, { title: 'Disputed too', description: 'd' }))).body.id as string;
    const q2 = (await api('POST', `${H}/tasks/${second}/quotes`, as(contractor, { price_sats: 20, description: 'q' }))).body.id as string;
    await api('POST', `${H}/tasks/${second}/quotes/${q2}/accept`, as(buyer));
    await api('POST', `${H}/tasks/${second}/deliver`, as(contractor, { body: 'w' }));
    await api('POST', `${H}/tasks/${second}/dispute`, as(contractor));
    const admin = { authorization: `Admin ${t.server.adminSecret()}` };
    const refunded = await api('POST', '/api/v1/admin/resolve', { body: { task: second, outcome: 'refund' }, headers: admin });
    expect(refunded.body).toMatchObject({ status: 'refunded', buyer_refunded_sats: 20 });
    expect((await api('POST', '/api/v1/admin/resolve', { body: { task: second, outcome: 'refund' }, headers: admin })).body.error.code).toBe('invalid_state');
    expect(await balance(buyer)).toBe(130 - 50);
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });

  it('the demo agents run a two-milestone task with a schema-checked delivery on events alone', async () => {
    const tag = `demo-${randomBytes(4).toString('hex')}`;
    const opts = { baseUrl: t.url, tag, pay: (bolt11: string) => t.pay(bolt11), log: () => {}, timeoutMs: 20_000 };
    const [buyer, contractor] = await Promise.all([runBuyer(opts), runContractor({ ...opts, invoiceFor: invoiceOnReceiver })]);
    expect(buyer.taskId).toBe(contractor.taskId);
    expect(contractor.earnedSats).toBe(200);
    expect(buyer.paidSats).toBe(200);
    expect(JSON.parse(buyer.delivery).lines).toHaveLength(3);
    expect(contractor.collected?.paid_sats).toBeGreaterThan(180);
    const task = (await api('GET', `${H}/tasks/${buyer.taskId}`)).body;
    expect(task).toMatchObject({ status: 'completed', outcome: 'acceptance_check', released_sats: 80 });
    expect(task.milestones.map((m: { status: string }) => m.status)).toEqual(['released', 'released']);
    const quoteProfile = task.quotes[0].contractor_profile;
    expect((await api('GET', `${H}/profiles/${quoteProfile}`)).body).toMatchObject({ completed: 1, sats_earned: 200, ratings: { count: 1, mean: 5 } });
    expect((await api('GET', `${H}/profiles/${task.buyer_profile}`)).body).toMatchObject({ sats_paid: 200, ratings: { count: 1, mean: 5 } });
    expect((await t.server.ledger.audit()).problems).toEqual([]);
  });
});

describe('AI for Hire rate limits', () => {
  it('limits the free endpoints per client address', async () => {
    const clock = { now: 1_700_000_039 }; // the last second of a minute
    const t = await startTestServer({ store: 'postgres', env: { ABL_RATE_LIMIT: '3' }, now: () => clock.now });
    try {
      const statuses = [];
      for (let i = 0; i < 2; i++) statuses.push((await call(t.url, 'GET', `${H}/tasks`)).status);
      clock.now += 1; // a new minute brings no new budget
      for (let i = 0; i < 3; i++) statuses.push((await call(t.url, 'GET', `${H}/tasks`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await call(t.url, 'GET', `${H}/tasks`);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(limited.headers['retry-after']).toBe('59'); // the two of …:59 leave the window at …:59 + 60
      clock.now += 58;
      expect((await call(t.url, 'GET', `${H}/tasks`)).headers['retry-after']).toBe('1');
      clock.now += 1;
      expect((await call(t.url, 'GET', `${H}/tasks`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
