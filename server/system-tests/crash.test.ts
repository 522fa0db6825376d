// The server process killed with SIGKILL while a token call and a payout are in flight, then
// started again on the same database: the reservation comes back through the hold sweep (which
// a restarted instance runs at once), the payout is looked up and booked once, never paid again.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../ledger/index.js';
import { startDevnode, type RunningDevnode } from '../lightning/devnode/index.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { createPostgresSchema } from '../store/testing.js';
import { call, payInvoice } from '../testing/harness.js';
import { startChildServer, type ChildServer } from '../testing/process.js';
import { auditProblems, balanceOf, buyToken, CHAT, chatBody, phoenixd, sleep, sql, waitFor, writeTestConfig } from './testing.js';

const KEY = 'sk-crash';
const HOLD_SECONDS = 3;

describe('SIGKILL mid-request, then a restart on the same database', () => {
  let up: FakeUpstream;
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let own: RunningDevnode;
  let payee: RunningDevnode;
  const children: ChildServer[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'abl-crash-'));
  const config = writeTestConfig({ timeoutSeconds: 2 , flatPrices: true });
  const ownPassword = randomBytes(8).toString('hex');
  const payeePassword = randomBytes(8).toString('hex');
  const ownNode = () => ({ url: own.url, password: ownPassword });
  const payeeNode = () => ({ url: payee.url, password: payeePassword });
  let env: Record<string, string>;

  beforeAll(async () => {
    up = await startFakeUpstream({ apiKey: KEY });
    schema = await createPostgresSchema();
    payee = await startDevnode({ host: '127.0.0.1', port: 0, password: payeePassword });
    own = await startDevnode({ host: '127.0.0.1', port: 0, password: ownPassword, peers: [{ url: payee.url, password: payeePassword }] });
    env = {
      DATABASE_URL: schema.url,
      ABL_DATA_DIR: dataDir,
      ABL_CONFIG: config.path,
      PHOENIXD_URL: own.url,
      PHOENIXD_PASSWORD: ownPassword,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: up.url,
      ABL_RATE_LIMIT: '0',
      ABL_HOLD_SECONDS: String(HOLD_SECONDS),
      L402_ROOT_KEY: randomBytes(32).toString('hex'),
    };
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await own?.close();
    await payee?.close();
    await up?.close();
    await schema?.drop();
    config.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('releases the reservation, books the payout once, and audits clean', async () => {
    const first = await startChildServer(env);
    children.push(first);
    const token = await buyToken(first.url, (b) => payInvoice(ownNode(), b), 500);
    const invoice = await phoenixd(payeeNode(), 'POST', '/createinvoice', { amountSat: '100', description: 'collect' });
    const payeeBefore = (await phoenixd(payeeNode(), 'GET', '/getbalance')).balanceSat as number;

    // in flight when the process dies: a call to a hanging upstream, and a payout the node stalls
    await phoenixd(ownNode(), 'POST', '/_devnode/next-payment', { outcome: 'pending', holdMs: '3000' });
    const before = up.requests();
    const hanging = call(first.url, 'POST', CHAT, { body: chatBody, headers: { 'x-token': token, 'x-fake-behavior': 'hang' } }).catch((e: Error) => e);
    const collecting = call(first.url, 'POST', '/api/v1/ai-for-hire/collect', { body: { invoice: invoice.serialized }, headers: { 'x-token': token } }).catch((e: Error) => e);
    await waitFor('the upstream call', async () => up.requests() > before);
    await waitFor('the payout', async () => (await sql(schema.url, `SELECT 1 FROM hire_payouts WHERE state = 'pending'`)).length === 1);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed by the signal, no exit code
    expect(await hanging).toBeInstanceOf(Error);
    expect(await collecting).toBeInstanceOf(Error);

    const account = `(SELECT id FROM accounts WHERE token_hash = $1)`;
    // the crash left the call's hold held, and those it reserved ahead unless the collect, arriving after it, gave them back first
    const holds = await sql<{ id: string; amount_msat: string; expires_at: string }>(schema.url, `SELECT id, amount_msat, expires_at FROM holds WHERE account_id = ${account} AND state = 'held'`, [hashToken(token)]);
    expect(holds.length).toBeGreaterThanOrEqual(1);
    for (const h of holds) expect(h.amount_msat).toBe('30000');
    const [payout] = await sql<{ fee_reserve_msat: string }>(schema.url, `SELECT fee_reserve_msat FROM hire_payouts WHERE payment_hash = $1`, [invoice.paymentHash]);
    const reserveSats = Number(payout!.fee_reserve_msat) / 1000;
    const [acct] = await sql<{ balance_msat: string }>(schema.url, `SELECT balance_msat FROM accounts WHERE id = ${account}`, [hashToken(token)]);
    expect(Number(acct!.balance_msat) / 1000).toBe(500 - 30 * holds.length - 100 - reserveSats);

    // the node finishes the payment on its own while the server is down
    await waitFor('the payment', async () => (await phoenixd(ownNode(), 'GET', `/payments/outgoingbyhash/${invoice.paymentHash}`)).isPaid === true, 15_000, 100);
    // and the reservation's deadline passes
    while (Date.now() / 1000 <= Math.max(...holds.map((h) => Number(h.expires_at))) + 1) await sleep(100);

    const second = await startChildServer(env);
    children.push(second);
    const ids = holds.map((h) => h.id);
    await waitFor('the sweep', async () => {
      const rows = await sql<{ state: string }>(schema.url, `SELECT state FROM holds WHERE id = ANY ($1::bigint[])`, [ids]);
      return rows.every((r) => r.state === 'released');
    });
    const memo = await sql<{ memo: string }>(schema.url, `SELECT memo FROM journal WHERE kind = 'unreserve' AND ref = ANY ($1::text[])`, [ids]);
    expect(memo).toEqual(ids.map(() => ({ memo: 'expired' })));

    // collecting the same invoice again is refused; the status lookup books the payout once
    const again = await call(second.url, 'POST', '/api/v1/ai-for-hire/collect', { body: { invoice: invoice.serialized }, headers: { 'x-token': token } });
    expect(again.status).toBe(400);
    expect(again.body.error.field).toBe('invoice');
    const status = await call(second.url, 'GET', `/api/v1/ai-for-hire/collect/${invoice.paymentHash}`, { headers: { 'x-token': token } });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'succeeded', paid_sats: 100 });
    const fee = status.body.fee_sats as number;
    expect(await balanceOf(second.url, token)).toBe(500 - 100 - fee);
    expect((await phoenixd(payeeNode(), 'GET', '/getbalance')).balanceSat).toBe(payeeBefore + 100);
    expect(await sql(schema.url, `SELECT state FROM hire_payouts`)).toEqual([{ state: 'succeeded' }]);
    const booked = await sql(schema.url, `SELECT 1 FROM journal WHERE kind = 'hire_payout_paid'`);
    expect(booked).toHaveLength(1);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await auditProblems(schema.url)).toEqual([]);
  }, 90_000); // two server processes started through tsx, and two deadlines to wait out

  it('a metered stream in flight when the process dies: its reservation comes back, nothing lost or doubled', async () => {
    const first = await startChildServer(env);
    children.push(first);
    const token = await buyToken(first.url, (b) => payInvoice(ownNode(), b), 200);
    const res = await fetch(`${first.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-token': token, 'x-fake-behavior': 'hold' },
      // gpt-4.1-nano stays metered in this catalog: the stream reserves its ceiling
      body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'A long story' }], stream: true, max_completion_tokens: 1000 }),
    });
    const ceilingSats = Number(res.headers.get('x-max-charge-sats'));
    expect(ceilingSats).toBeGreaterThan(0);
    const reader = res.body!.getReader();
    await reader.read(); // the first chunk: the upstream is streaming, the hold is taken
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    await reader.read().catch(() => undefined);
    up.release();

    const account = `(SELECT id FROM accounts WHERE token_hash = $1)`;
    const [hold] = await sql<{ id: string; state: string; expires_at: string }>(schema.url, `SELECT id, state, expires_at FROM holds WHERE account_id = ${account}`, [hashToken(token)]);
    expect(hold!.state).toBe('held');
    expect(await sql(schema.url, `SELECT 1 FROM paid_calls WHERE hold_id = $1`, [hold!.id])).toEqual([]);
    while (Date.now() / 1000 <= Number(hold!.expires_at) + 1) await sleep(100);

    const second = await startChildServer(env);
    children.push(second);
    await waitFor('the sweep', async () => (await sql<{ state: string }>(schema.url, `SELECT state FROM holds WHERE id = $1`, [hold!.id]))[0]!.state === 'released');
    expect(await balanceOf(second.url, token)).toBe(200); // the usage died with the process: nothing is charged
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await auditProblems(schema.url)).toEqual([]);
  }, 90_000);

  // settlements committed without the WAL flush; holds reserved ahead (the unused ones die with the process, held until swept)
  it.each([
    ['ABL_PG_ASYNC_SETTLE=true', { ABL_PG_ASYNC_SETTLE: 'true' }],
    ['ABL_RESERVE_AHEAD=16', { ABL_RESERVE_AHEAD: '16' }],
  ])('kill -9 in the middle of a burst with %s: each hold settled once or swept back, the balance is exactly what was settled, audit clean', async (_setting, extra) => {
    const relaxed = { ...env, ...extra };
    const first = await startChildServer(relaxed);
    children.push(first);
    const token = await buyToken(first.url, (b) => payInvoice(ownNode(), b), 2000);
    let answered = 0;
    const burst = Array.from({ length: 40 }, () =>
      call(first.url, 'POST', CHAT, { body: chatBody, headers: { 'x-token': token } })
        .then((r) => void (r.status === 200 && answered++))
        .catch(() => undefined),
    );
    await waitFor('the first answers', async () => answered >= 5, 30_000, 5);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    await Promise.all(burst);

    const account = `(SELECT id FROM accounts WHERE token_hash = $1)`;
    // the holds the crash left open: the restarted instance sweeps them once their deadline passed
    const [open] = await sql<{ until: string | null }>(schema.url, `SELECT max(expires_at) AS until FROM holds WHERE state = 'held' AND account_id = ${account}`, [hashToken(token)]);
    while (open!.until !== null && Date.now() / 1000 <= Number(open!.until) + 1) await sleep(100);
    const second = await startChildServer(relaxed);
    children.push(second);
    await waitFor('the sweep', async () => (await sql(schema.url, `SELECT 1 FROM holds WHERE state = 'held' AND account_id = ${account}`, [hashToken(token)])).length === 0, 30_000, 100);
    const twice = await sql(schema.url, `SELECT ref FROM journal WHERE kind IN ('charge', 'unreserve') GROUP BY ref HAVING count(*) > 1`);
    expect(twice).toEqual([]);
    const [charged] = await sql<{ msat: string }>(
      schema.url,
      `SELECT coalesce(sum(charged_msat), 0) AS msat FROM paid_calls WHERE account_id = ${account}`,
      [hashToken(token)],
    );
    // how many settles the kill overtook depends on the machine's load: each hold is closed either
    // way, settled (its row deleted, its charge journalled) or released
    const [holds] = await sql<{ open: string; closed: string }>(
      schema.url,
      `SELECT count(*) FILTER (WHERE state = 'held') AS open,
         count(*) FILTER (WHERE state = 'released') + (SELECT count(*) FROM journal j JOIN entries e ON e.journal_id = j.id WHERE j.kind = 'charge' AND e.account_id = ${account}) AS closed
       FROM holds WHERE account_id = ${account}`,
      [hashToken(token)],
    );
    expect(Number(holds!.closed)).toBeGreaterThanOrEqual(5);
    expect(Number(holds!.open)).toBe(0);
    expect(await balanceOf(second.url, token)).toBe(2000 - Number(charged!.msat) / 1000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await auditProblems(schema.url)).toEqual([]);
  }, 180_000); // two server processes through tsx on a loaded machine, and a deadline to wait out
});
