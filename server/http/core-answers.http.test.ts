// The contract's schemas are the truth about the core endpoints: a real server in development
// mode (as `npm start` runs it, OpenAI faked) is driven through health, catalog, top-ups, balance, the 402
// challenge and errors, and every answer must match its strict schema exactly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from '../../contract/api.js';
import { PublicCatalogSchema } from '../../contract/catalog.js';
import { ErrorBodySchema, PaymentRequiredSchema } from '../../contract/error-bodies.js';
import { readSettings } from '../config.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { startServer, type RunningServer } from '../server.js';
import { createPostgresSchema } from '../store/testing.js';
import { answerChecker } from '../testing/answers.js';
import { call } from '../testing/harness.js';

const CHAT = '/api/v1/openai/v1/chat/completions';
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };

describe('the core endpoints answer exactly the shapes of contract/', () => {
  let server: RunningServer;
  let upstream: FakeUpstream;
  let dropSchema: () => Promise<void>;
  const dataDir = mkdtempSync(join(tmpdir(), 'abl-answers-'));
  const { expectAnswer, unchecked } = answerChecker();
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(server.url, method, path, opts);
  const as = (token: string, body?: unknown) => ({ headers: { 'x-token': token }, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    const schema = await createPostgresSchema();
    dropSchema = schema.drop;
    upstream = await startFakeUpstream({ apiKey: 'sk-answers' });
    // no PHOENIXD_URL: the built-in development node, so /dev/pay exists and health says devnode
    const env = { PORT: '0', HOST: '127.0.0.1', ABL_CONFIG: join(process.cwd(), 'config.yaml'), ABL_DATA_DIR: dataDir, DATABASE_URL: schema.url, LOG_LEVEL: 'silent', ABL_RATE_LIMIT: '0', OPENAI_API_KEY: 'sk-answers', OPENAI_BASE_URL: upstream.url };
    server = await startServer(readSettings(env));
  });
  afterAll(async () => {
    await server?.close();
    await upstream?.close();
    await dropSchema?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pay = async (invoice: string) => expectAnswer(core.DevPayResponseSchema, await api('POST', '/api/v1/dev/pay', { body: { invoice } }), 200).preimage;

  async function buyToken(sats: number): Promise<string> {
    const created = expectAnswer(core.TopupCreatedSchema, await api('POST', '/api/v1/topup', { body: { amount_sats: sats } }), 201);
    const claimed = expectAnswer(core.ClaimResponseSchema, await api('POST', '/api/v1/topup/claim', { body: { preimage: await pay(created.invoice) } }), 200);
    return claimed.token!;
  }

  it('health and the catalog', async () => {
    expect(expectAnswer(core.HealthSchema, await api('GET', '/api/v1/health'), 200)).toMatchObject({ status: 'ok', wallet: 'devnode', store: 'postgres' });
    const catalog = expectAnswer(PublicCatalogSchema, await api('GET', '/api/v1/catalog'), 200);
    expect(catalog.apis.map((a) => a.name)).toContain('openai');
  });

  it('a new token: invoice, status before and after paying, claim, balance', async () => {
    const created = expectAnswer(core.TopupCreatedSchema, await api('POST', '/api/v1/topup', { body: { amount_sats: 40 } }), 201);
    const status = () => api('GET', `/api/v1/topup/${created.payment_hash}`);
    expect(expectAnswer(core.TopupStatusSchema, await status(), 200)).toMatchObject({ status: 'pending', refill: false, credited: false, claimed: false });
    const preimage = await pay(created.invoice);
    expect(expectAnswer(core.TopupStatusSchema, await status(), 200).status).toBe('paid');
    const claimed = expectAnswer(core.ClaimResponseSchema, await api('POST', '/api/v1/topup/claim', { body: { preimage } }), 200);
    expect(claimed).toMatchObject({ token: expect.stringMatching(/^abl_/), balance_sats: 40, credited_sats: 40 });
    expect(expectAnswer(core.BalanceSchema, await api('GET', '/api/v1/balance', as(claimed.token!)), 200)).toEqual({ balance_sats: 40, balance_msat: 40_000 });
    const again = expectAnswer(ErrorBodySchema, await api('POST', '/api/v1/topup/claim', { body: { preimage } }), 409);
    expect(again.error.code).toBe('payment_already_used');
  });

  it('a refill: credited by the status poll, then claimed with the token', async () => {
    const token = await buyToken(10);
    const refill = expectAnswer(core.TopupCreatedSchema, await api('POST', '/api/v1/topup', as(token, { amount_sats: 25 })), 201);
    const preimage = await pay(refill.invoice);
    const status = expectAnswer(core.TopupStatusSchema, await api('GET', `/api/v1/topup/${refill.payment_hash}`), 200);
    expect(status).toMatchObject({ status: 'paid', refill: true, credited: true, claimed: false });
    const claimed = expectAnswer(core.ClaimResponseSchema, await api('POST', '/api/v1/topup/claim', as(token, { preimage })), 200);
    expect(claimed).toEqual({ token, balance_sats: 35, credited_sats: 25 });
  });

  it('the 402 challenge, insufficient balance and the other errors', async () => {
    const challenge = expectAnswer(PaymentRequiredSchema, await api('POST', CHAT, { body: chat }), 402);
    // a metered model's invoice is its ceiling: the output limit alone at gpt-4o-mini's rate is over 9 sats
    expect(challenge).toMatchObject({ error: { code: 'payment_required' } });
    expect(challenge.amount_sats).toBeGreaterThanOrEqual(Math.ceil((16_384 * 600) / 1_000_000));
    expect(challenge.token).toBeUndefined();

    const poor = await buyToken(1);
    const short = expectAnswer(ErrorBodySchema, await api('POST', CHAT, as(poor, chat)), 402);
    expect(short.error).toMatchObject({ code: 'insufficient_balance', balance_sats: 1, price_sats: challenge.amount_sats });

    const cases: [string, string, Parameters<typeof call>[3], number, string][] = [
      ['POST', '/api/v1/topup', { body: { amount_sats: '5' } }, 400, 'invalid_field_type'],
      ['POST', '/api/v1/topup', { rawBody: '{"amount_sats":', headers: { 'content-type': 'application/json' } }, 400, 'invalid_json'],
      ['GET', '/api/v1/balance', {}, 401, 'missing_token'],
      ['GET', '/api/v1/balance', { headers: { 'x-token': 'abl_unknown' } }, 401, 'invalid_token'],
      ['GET', `/api/v1/topup/${'0'.repeat(64)}`, {}, 404, 'not_found'],
      ['GET', '/api/v1/no-such-route', {}, 404, 'not_found'],
      // refused by the router itself, before any route: still the contract's body
      ['GET', '/api/v1/openai/v1/%ZZ', {}, 400, 'invalid_field_value'],
      ['GET', '/api/v1/topup/%E0%A4%A', {}, 400, 'invalid_field_value'],
      ['GET', `/api/v1/ai-for-hire/tasks/${'a'.repeat(300)}`, {}, 404, 'not_found'],
      ['GET', CHAT, {}, 405, 'method_not_allowed'],
      // the server's own routes asked with another method
      ['PUT', '/api/v1/topup', { body: {} }, 405, 'method_not_allowed'],
      // a parameter would take the fixed name: GET /topup/claim is no status read of a payment hash "claim"
      ['GET', '/api/v1/topup/claim', {}, 405, 'method_not_allowed'],
      ['POST', '/api/v1/balance', { body: {} }, 405, 'method_not_allowed'],
      ['GET', '/api/v1/ai-for-hire/collect', {}, 405, 'method_not_allowed'],
      ['DELETE', `/api/v1/topup/${'0'.repeat(64)}`, {}, 405, 'method_not_allowed'],
      ['POST', '/metrics', { body: {} }, 405, 'method_not_allowed'],
      ['PUT', '/api/v1/mcp', { body: {} }, 405, 'method_not_allowed'],
      ['POST', '/api/v1/webhooks/phoenixd', { rawBody: '{}' }, 401, 'invalid_signature'],
    ];
    for (const [method, path, opts, status, code] of cases) {
      const res = await api(method, path, opts);
      expect([path, expectAnswer(ErrorBodySchema, res, status).error.code]).toEqual([path, code]);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await api('GET', '/api/v1/openai/v1/%ZZ')).body.error.field).toBe('path');
    expect((await api('POST', '/api/v1/balance', { body: {} })).headers.allow).toBe('GET, HEAD');
    expect((await api('GET', '/api/v1/topup/claim')).headers.allow).toBe('POST');
    // the MCP endpoint takes POST only; its GET and DELETE answer just to say so
    expect((await api('PUT', '/api/v1/mcp', { body: {} })).headers.allow).toBe('POST');
    expect((await api('GET', '/api/v1/mcp')).headers.allow).toBe('POST');
  });

  it('checked every core answer schema against a real answer', () => {
    const { HealthSchema, TopupCreatedSchema, ClaimResponseSchema, TopupStatusSchema, BalanceSchema, DevPayResponseSchema } = core;
    const all = { HealthSchema, TopupCreatedSchema, ClaimResponseSchema, TopupStatusSchema, BalanceSchema, DevPayResponseSchema, PublicCatalogSchema, ErrorBodySchema, PaymentRequiredSchema };
    expect(unchecked(all)).toEqual([]);
  });
});
