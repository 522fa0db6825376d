// A token's usage history through a real server: one row per call (its reservation and
// settlement folded), top-up, AI for Hire fee; the balance after each row adds up; pages, CSV
// (a whole export past any page) and per-day totals agree with the headers the calls answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DailyUsageSchema, UNIX_SECONDS_MAX, UsagePageSchema, type UsageRow } from '../../contract/api.js';
import { hashToken, postJournal } from '../ledger/index.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { call, startTestServer, type TestServer } from '../testing/harness.js';

const KEY = 'sk-history';
const CHAT = '/api/v1/openai/v1/chat/completions';
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], max_completion_tokens: 100 };

describe.each(['postgres', 'pglite'] as const)('usage history on %s', (store) => {
  let up: FakeUpstream;
  let t: TestServer;
  let token: string;
  const charged: { id: string; msat: number }[] = [];
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(t.url, method, path, opts);
  const as = (headers: Record<string, string> = {}) => ({ headers: { 'x-token': token, ...headers } });

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    t = await startTestServer({ store, env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: up.url } });
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 1000 } });
    token = (await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token;
    for (let i = 0; i < 3; i++) {
      const res = await api('POST', CHAT, { body: chat, ...as() });
      charged.push({ id: res.headers['x-request-id'] as string, msat: Number(res.headers['x-charged-msats']) });
    }
    const failed = await api('POST', CHAT, { body: chat, ...as({ 'x-fake-behavior': 'error-500' }) });
    expect(failed.status).toBe(502);
    expect((await api('POST', '/api/v1/ai-for-hire/tasks', { body: { title: 'A task', description: 'Do it' }, ...as() })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  async function allRows(limit: number): Promise<UsageRow[]> {
    const rows: UsageRow[] = [];
    let cursor: string | null = null;
    do {
      const page = UsagePageSchema.parse((await api('GET', `/api/v1/usage?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, as())).body);
      rows.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return rows;
  }

  it('lists each call once with its charge, the fee and the top-up, newest first, balances adding up', async () => {
    const rows = await allRows(50);
    expect(rows.map((r) => r.kind)).toEqual(['hire_fee', 'call', 'call', 'call', 'call', 'topup']);
    const balance = (await api('GET', '/api/v1/balance', as())).body.balance_msat as number;
    expect(rows[0]!.balance_after_msat).toBe(balance);
    for (let i = 0; i + 1 < rows.length; i++) expect(rows[i + 1]!.balance_after_msat).toBe(rows[i]!.balance_after_msat - rows[i]!.amount_msat);
    expect(rows.reduce((s, r) => s + r.amount_msat, 0)).toBe(balance); // the history adds up to the balance
    // rows are in the order the money moved: a settlement left to finish after its answer (a flat
    // price, or a hold reserved ahead) may land after a later call's release
    const calls = rows.slice(1, 5);
    expect(calls.filter((r) => r.status === 'released')).toEqual([expect.objectContaining({ status: 'released', amount_msat: 0, charged_msat: 0 })]);
    const byId = (a: { id: unknown }, b: { id: unknown }) => String(a.id).localeCompare(String(b.id));
    const settled = calls.filter((r) => r.status === 'settled').map((r) => ({ id: r.request_id, msat: r.charged_msat, amount: r.amount_msat }));
    expect(settled.sort(byId)).toEqual(charged.map((c) => ({ id: c.id, msat: c.msat, amount: -c.msat })).sort(byId));
    expect(rows[0]).toMatchObject({ kind: 'hire_fee', amount_msat: -50_000 });
    expect(rows[5]).toMatchObject({ kind: 'topup', amount_msat: 1_000_000, balance_after_msat: 1_000_000 });
  });

  it('pages of any size give the same rows', async () => {
    const whole = await allRows(50);
    expect(await allRows(1)).toEqual(whole);
    expect(await allRows(2)).toEqual(whole);
  });

  it('exports CSV and totals per day that agree with the rows', async () => {
    const csv = await api('GET', '/api/v1/usage?format=csv', as());
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toBe('created_at,kind,amount_msat,balance_after_msat,request_id,api,endpoint,model,charged_msat,status,ref');
    expect(lines).toHaveLength(7);
    expect(lines[2]).toContain(',call,');

    const daily = DailyUsageSchema.parse((await api('GET', '/api/v1/usage/daily', as())).body);
    const spentCalls = charged.reduce((s, c) => s + c.msat, 0);
    const total = daily.days.reduce((s, d) => ({ spent: s.spent + d.spent_msat, credited: s.credited + d.credited_msat, openai: s.openai + (d.by_api.openai ?? 0) }), { spent: 0, credited: 0, openai: 0 });
    expect(total).toEqual({ spent: spentCalls + 50_000, credited: 1_000_000, openai: spentCalls });
  });

  it('a CSV export asked without a limit is the whole history, past any page: the rows the pages list, in order', async () => {
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 10 } });
    const long = (await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token as string;
    const account = (await t.server.ledger.accountByToken(hashToken(long)))!.id;
    // 520 operator credits: more than the 500 rows of one internal page
    await t.server.db.tx(async (q) => {
      for (let i = 0; i < 520; i++) await postJournal(q, { kind: 'admin_credit', ref: account.toString(), memo: 'test', lines: [{ accountId: account, amountMsat: 1_000n }, { accountId: t.server.ledger.sys.adjustments, amountMsat: -1_000n }] });
    });
    const csv = await api('GET', '/api/v1/usage?format=csv', { headers: { 'x-token': long } });
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines).toHaveLength(1 + 521);
    expect(lines.filter((l) => l.startsWith('created_at,'))).toHaveLength(1);
    expect(csv.headers['x-next-cursor']).toBeUndefined();
    const paged = await api('GET', '/api/v1/usage?format=csv&limit=500', { headers: { 'x-token': long } });
    expect(String(paged.body).trim().split('\r\n')).toEqual(lines.slice(0, 501));
    expect(paged.headers['x-next-cursor']).toBeTruthy();
  });

  it('counts each second of a range, its last one too, up to the largest time it takes', async () => {
    const daily = async (query: string) => DailyUsageSchema.parse((await api('GET', `/api/v1/usage/daily?${query}`, as())).body).days;
    const whole = await daily(`from=0&to=${UNIX_SECONDS_MAX}`);
    expect(whole).toEqual(await daily(''));
    const topup = (await allRows(50)).find((r) => r.kind === 'topup')!;
    // a range ending on the top-up's second has it; one ending the second before has not
    expect((await daily(`from=0&to=${topup.created_at}`)).reduce((s, d) => s + d.credited_msat, 0)).toBe(1_000_000);
    expect((await daily(`from=0&to=${topup.created_at - 1}`)).reduce((s, d) => s + d.credited_msat, 0)).toBe(0);
    expect(await daily(`from=${UNIX_SECONDS_MAX}&to=${UNIX_SECONDS_MAX}`)).toEqual([]);
    expect(UsagePageSchema.parse((await api('GET', `/api/v1/usage?from=0&to=${UNIX_SECONDS_MAX}`, as())).body).data).toEqual(await allRows(50));
  });

  it('refuses a bad cursor, limit or range with the field named, and needs the token', async () => {
    expect((await api('GET', '/api/v1/usage?cursor=bm9wZQ', as())).body.error).toMatchObject({ code: 'invalid_field_value', field: 'cursor' });
    // a cursor carries the balance its page starts from: an edited one, or another token's, is refused
    const next = UsagePageSchema.parse((await api('GET', '/api/v1/usage?limit=2', as())).body).next_cursor!;
    expect((await api('GET', `/api/v1/usage?limit=2&cursor=${next}`, as())).status).toBe(200);
    const [journalId, balance, tag] = Buffer.from(next, 'base64url').toString('utf8').split('.');
    const edited = Buffer.from(`${journalId}.${BigInt(balance!) + 1000n}.${tag}`).toString('base64url');
    expect((await api('GET', `/api/v1/usage?limit=2&cursor=${edited}`, as())).body.error).toMatchObject({ code: 'invalid_field_value', field: 'cursor' });
    const created = await api('POST', '/api/v1/topup', { body: { amount_sats: 5 } });
    const other = (await api('POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token as string;
    expect((await api('GET', `/api/v1/usage?limit=2&cursor=${next}`, { headers: { 'x-token': other } })).body.error).toMatchObject({ code: 'invalid_field_value', field: 'cursor' });
    expect((await api('GET', '/api/v1/usage?limit=0', as())).body.error).toMatchObject({ code: 'invalid_field_value', field: 'limit' });
    expect((await api('GET', '/api/v1/usage/daily?from=20&to=10', as())).body.error).toMatchObject({ code: 'invalid_field_value', field: 'from' });
    expect((await api('GET', '/api/v1/usage')).status).toBe(401);
  });
  it('a flat-priced call’s receipt and history row are there the moment its answer is', async () => {
    for (let i = 0; i < 15; i++) {
      const res = await api('POST', '/api/v1/openai/v1/moderations', { body: { input: `text ${i}` }, ...as() });
      expect(res.status).toBe(200);
      const id = res.headers['x-request-id'] as string;
      const receipt = await api('GET', `/api/v1/usage/${id}`, as());
      expect(receipt.status).toBe(200);
      expect(receipt.body).toMatchObject({ request_id: id, status: 'settled', charged_msat: 1000 });
      const latest = UsagePageSchema.parse((await api('GET', '/api/v1/usage?limit=1', as())).body).data[0]!;
      const balance = (await api('GET', '/api/v1/balance', as())).body.balance_msat as number;
      expect(latest).toMatchObject({ request_id: id, status: 'settled', balance_after_msat: balance });
      expect(Math.floor(balance / 1000)).toBe(Number(res.headers['x-balance-sats']));
    }
  });
});
