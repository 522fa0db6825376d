// Withdrawing in development mode: the development payee wallet ("someone else's wallet") makes
// invoices that the server's built-in development node pays, through POST /collect as any
// withdrawal; an invoice of a node it has no route to fails with the node's reason, nothing taken.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '../../contract/api.js';
import { readSettings } from '../config.js';
import { startServer, type RunningServer } from '../server.js';
import { answerChecker } from '../testing/answers.js';
import { call, startTestDevnode, type TestDevnode } from '../testing/harness.js';
import { challengeOf, credential } from '../testing/mpp-session-client.js';

describe('development payee wallet', () => {
  let server: RunningServer;
  let stranger: TestDevnode;
  const dataDir = mkdtempSync(join(tmpdir(), 'abl-devpayee-'));
  const { expectAnswer } = answerChecker();
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(server.url, method, path, opts);

  beforeAll(async () => {
    // no PHOENIXD_URL: the built-in development node and its payee wallet; PGlite in dataDir
    const env = { PORT: '0', HOST: '127.0.0.1', ABL_CONFIG: join(process.cwd(), 'config.yaml'), ABL_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ABL_RATE_LIMIT: '0' };
    server = await startServer(readSettings(env));
    stranger = await startTestDevnode();
  });
  afterAll(async () => {
    await server?.close();
    await stranger?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function buyToken(sats: number): Promise<string> {
    const created = expectAnswer(core.TopupCreatedSchema, await api('POST', '/api/v1/topup', { body: { amount_sats: sats } }), 201);
    const { preimage } = expectAnswer(core.DevPayResponseSchema, await api('POST', '/api/v1/dev/pay', { body: { invoice: created.invoice } }), 200);
    return expectAnswer(core.ClaimResponseSchema, await api('POST', '/api/v1/topup/claim', { body: { preimage } }), 200).token!;
  }
  const balance = async (token: string) => (await api('GET', '/api/v1/balance', { headers: { 'x-token': token } })).body.balance_sats as number;

  it('makes an invoice the server pays on a withdrawal; the payee wallet shows it received', async () => {
    const token = await buyToken(500);
    const made = expectAnswer(core.DevInvoiceSchema, await api('POST', '/api/v1/dev/invoice', { body: { amount_sats: 120 } }), 201);
    expect(made).toMatchObject({ amount_sats: 120, paid: false, payee_balance_sats: expect.any(Number) });
    expect(made.invoice).toMatch(/^lnbcrt1/);
    const before = made.payee_balance_sats;

    const paid = await api('POST', '/api/v1/ai-for-hire/collect', { headers: { 'x-token': token }, body: { invoice: made.invoice } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'succeeded', paid_sats: 120, fee_sats: 0, balance_sats: 380 });

    const after = expectAnswer(core.DevInvoiceSchema, await api('GET', `/api/v1/dev/invoice/${made.payment_hash}`), 200);
    expect(after).toMatchObject({ paid: true, payee_balance_sats: before + 120 });

    // the per-day totals: the withdrawal is spending (its unused fee reserve back is not a credit)
    const daily = expectAnswer(core.DailyUsageSchema, await api('GET', '/api/v1/usage/daily', { headers: { 'x-token': token } }), 200);
    const sum = (k: 'spent_msat' | 'credited_msat') => daily.days.reduce((s, d) => s + d[k], 0);
    expect({ spent: sum('spent_msat'), credited: sum('credited_msat') }).toEqual({ spent: 120_000, credited: 500_000 });
  });

  it('makes an invoice of no amount, payable for 31 days: an MPP session opened in development mode refunds to it', async () => {
    const made = expectAnswer(core.DevInvoiceSchema, await api('POST', '/api/v1/dev/invoice', { body: {} }), 201);
    expect(made).toMatchObject({ amount_sats: 0, paid: false });
    expect(made.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(30 * 86_400);
    const offer = await api('POST', '/api/v1/mpp/session', { body: { deposit_sats: 20 } });
    expect(offer.status).toBe(402);
    const challenge = challengeOf(offer.headers, 'session');
    const { preimage } = expectAnswer(core.DevPayResponseSchema, await api('POST', '/api/v1/dev/pay', { body: { invoice: offer.body.invoice } }), 200);
    const open = await api('POST', '/api/v1/mpp/session', { headers: { authorization: credential(challenge, { action: 'open', preimage, returnInvoice: made.invoice }) } });
    expect(open.body).toMatchObject({ status: 'open', balance_sats: 20 });
    const closed = await api('POST', '/api/v1/mpp/session', { headers: { authorization: credential(challenge, { action: 'close', sessionId: offer.body.payment_hash, preimage }) } });
    expect(closed.body).toMatchObject({ status: 'closed', refundSats: 20, refundStatus: 'succeeded' });
    expect(expectAnswer(core.DevInvoiceSchema, await api('GET', `/api/v1/dev/invoice/${made.payment_hash}`), 200)).toMatchObject({ paid: true, payee_balance_sats: made.payee_balance_sats + 20 });
  });

  it('refuses a bad amount and answers 404 for an invoice it never made', async () => {
    for (const amount_sats of [0, 1.5, -3]) {
      const answer = await api('POST', '/api/v1/dev/invoice', { body: { amount_sats } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe('amount_sats');
    }
    expect((await api('GET', `/api/v1/dev/invoice/${'ab'.repeat(32)}`)).body.error.code).toBe('not_found');
    expect((await api('GET', '/api/v1/dev/invoice/nothex')).status).toBe(404);
  });

  it('an invoice of a node with no route: the reason in words, no typo advice, nothing taken', async () => {
    const token = await buyToken(300);
    const created = await fetch(`${stranger.url}/createinvoice`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`:${stranger.password}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ amountSat: '50', description: 'elsewhere' }).toString(),
    });
    const { serialized } = (await created.json()) as { serialized: string };
    const answer = await api('POST', '/api/v1/ai-for-hire/collect', { headers: { 'x-token': token }, body: { invoice: serialized } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^The payment did not go through \(the Lightning node answered: no route to node [0-9a-f]{16}…: .*peers\)\. Nothing was taken/);
    expect(answer.body.error.message).not.toMatch(/`/);
    expect(await balance(token)).toBe(300);
  });
});
