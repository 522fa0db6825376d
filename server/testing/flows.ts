// The user flows every wallet backend must carry, written once: a top-up, an L402 call through the
// proxy, AI for Hire from an escrow funded by invoice to the contractor's collect, and a payout the
// node fails. Run on the development node by the proxy and AI for Hire suites, and on each backend's
// fake by server/lightning/backends.server.test.ts. Each expects a running server (harness.ts).
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { call, type WalletTestServer } from './harness.js';

export interface FlowContext {
  url: string;
  /** pays one of the server's invoices from another node; answers the preimage */
  pay(bolt11: string): Promise<string>;
  /** an invoice of another node (a contractor's own wallet) for this many sats */
  invoiceElsewhere(sats: number): Promise<string>;
  /** what that other node received for its invoice, in sats */
  receivedElsewhere(paymentHash: string): Promise<number>;
  /** the server's ledger audit findings (none when the books balance) */
  auditProblems(): Promise<unknown[]>;
}

const H = '/api/v1/ai-for-hire';
/** the flat-priced chat call (testing/flat-prices.ts): 30 sats */
export const CHAT = '/api/v1/openai/v1/chat/completions';
export const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };

const as = (token: string, body?: unknown) => ({ headers: { 'x-token': token }, ...(body === undefined ? {} : { body }) });
const sha256 = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

/** A token bought with a top-up invoice paid from another node. */
export async function buyToken(ctx: Pick<FlowContext, 'url' | 'pay'>, sats: number): Promise<string> {
  const created = await call(ctx.url, 'POST', '/api/v1/topup', { body: { amount_sats: sats } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const claimed = await call(ctx.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await ctx.pay(created.body.invoice) } });
  expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
  return claimed.body.token as string;
}

export async function balanceSats(ctx: FlowContext, token: string): Promise<number> {
  return (await call(ctx.url, 'GET', `${H}/me`, as(token))).body.balance_sats as number;
}

/** L402 through the proxy: a 402 with the invoice, paid, then exactly one request per credential (needs the flat-priced catalog and an upstream). */
export async function l402OneRequestPerCredential(ctx: FlowContext): Promise<void> {
  const api = (headers: Record<string, string> = {}) => call(ctx.url, 'POST', CHAT, { body: chatBody, headers });
  const challenge = await api();
  expect(challenge.status).toBe(402);
  const lines = challenge.headers['www-authenticate'] as string[];
  expect(lines).toHaveLength(4); // LSAT, L402, then MPP's Payment session and charge for the same invoice
  expect(lines[0]).toMatch(/^LSAT macaroon="[A-Za-z0-9+/]+={0,2}", invoice="lnbcrt[0-9a-z]+"$/);
  expect(lines[1]).toBe(lines[0]!.replace(/^LSAT/, 'L402'));
  expect(lines[2]).toMatch(/^Payment id=".*intent="session"/);
  expect(lines[3]).toMatch(/^Payment id=".*intent="charge"/);
  expect(challenge.body).toMatchObject({ error: { code: 'payment_required' }, amount_sats: 30, payment_hash: expect.any(String), macaroon: expect.any(String) });
  const preimage = await ctx.pay(challenge.body.invoice);
  const auth = `L402 ${challenge.body.macaroon}:${preimage}`;

  const [a, b] = await Promise.all([api({ authorization: auth }), api({ authorization: auth })]);
  expect([a.status, b.status].sort(), JSON.stringify([a.body.error, b.body.error])).toEqual([200, 409]);
  const again = await api({ authorization: auth.replace('L402', 'lsat') });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('payment_already_used');
}

/** AI for Hire from start to payout: post, quote, talk, accept (the escrow), deliver, confirm, and the contractor collects to another node. */
export async function hireLifecycle(ctx: FlowContext): Promise<void> {
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(ctx.url, method, path, opts);
  const balance = (token: string) => balanceSats(ctx, token);
  const buyer = await buyToken(ctx, 1000);
  const contractor = await buyToken(ctx, 100);
  const stranger = await buyToken(ctx, 10);

  const posted = await api('POST', `${H}/tasks`, as(buyer, { title: 'Translate a poem', description: 'From French to English.', budget_sats: 400 }));
  expect(posted.status).toBe(201);
  expect(posted.body).toMatchObject({ status: 'open', budget_sats: 400, quotes: [] });
  expect(posted.headers['x-charged-sats']).toBe('50');
  expect(posted.headers['x-balance-sats']).toBe('950');
  const id = posted.body.id as string;
  expect((await api('GET', `${H}/tasks?status=open`)).body.tasks.map((x: { id: string }) => x.id)).toContain(id);

  const quoted = await api('POST', `${H}/tasks/${id}/quotes`, as(contractor, { price_sats: 350, description: 'Done by tonight.' }));
  expect(quoted.status).toBe(201);
  const qid = quoted.body.id as string;
  const edited = await api('PATCH', `${H}/tasks/${id}/quotes/${qid}`, as(contractor, { price_sats: 300 }));
  expect(edited.body).toMatchObject({ price_sats: 300, status: 'pending' });

  const thread = `${H}/tasks/${id}/quotes/${qid}/messages`;
  expect((await api('POST', thread, as(buyer, { body: 'Rhymes kept?' }))).status).toBe(201);
  expect((await api('GET', `${H}/me`, as(contractor))).body).toMatchObject({ unread_messages: 1, unread_threads: [{ task_id: id, quote_id: qid, unread: 1 }] });
  const read = await api('GET', thread, as(contractor));
  expect(read.body.messages).toMatchObject([{ sender: 'buyer', body: 'Rhymes kept?' }]);
  expect((await api('GET', thread, as(stranger))).body.error.code).toBe('forbidden');
  expect((await api('GET', thread)).status).toBe(401);

  // a raise above the budget (400) is not taken without the buyer naming it
  expect((await api('PATCH', `${H}/tasks/${id}/quotes/${qid}`, as(contractor, { price_sats: 900 }))).body.price_sats).toBe(900);
  const overBudget = await api('POST', `${H}/tasks/${id}/quotes/${qid}/accept`, { headers: { 'x-token': buyer } });
  expect(overBudget.status).toBe(409);
  expect(overBudget.body.error).toMatchObject({ code: 'invalid_state', price_sats: 900 });
  expect(await balance(buyer)).toBe(950);
  expect((await api('PATCH', `${H}/tasks/${id}/quotes/${qid}`, as(contractor, { price_sats: 300 }))).body.price_sats).toBe(300);

  const accepted = await api('POST', `${H}/tasks/${id}/quotes/${qid}/accept`, as(buyer, { expected_price_sats: 300 }));
  expect(accepted.status).toBe(200);
  expect(accepted.body).toMatchObject({ status: 'awarded', price_sats: 300 });
  expect(await balance(buyer)).toBe(650);
  expect((await api('POST', `${H}/tasks/${id}/deliver`, as(contractor, { body: 'The translation' }))).body.status).toBe('delivered');
  expect((await api('GET', `${H}/me`, as(buyer))).body.unread_messages).toBe(1); // the delivery
  const publicView = await api('GET', `${H}/tasks/${id}`);
  expect(publicView.body.delivery).toBeUndefined();
  expect(JSON.stringify(publicView.body)).not.toMatch(/abl_|Rhymes|balance/);
  expect((await api('GET', `${H}/tasks/${id}`, as(buyer))).body.delivery.body).toBe('The translation');
  // read on the task page: no longer unread
  expect((await api('GET', `${H}/me`, as(buyer))).body).toMatchObject({ unread_messages: 0, unread_threads: [] });
  const confirmed = await api('POST', `${H}/tasks/${id}/confirm`, as(buyer));
  expect(confirmed.body).toMatchObject({ status: 'completed', outcome: 'confirmed' });
  expect(await balance(contractor)).toBe(90 + 300);

  const invoice = await ctx.invoiceElsewhere(200);
  const collected = await api('POST', `${H}/collect`, as(contractor, { invoice }));
  expect(collected.status).toBe(200);
  expect(collected.body).toMatchObject({ status: 'succeeded', paid_sats: 200, fee_sats: 0, balance_sats: 190 });
  const hash = sha256(collected.body.preimage);
  expect(hash).toBe(collected.body.payment_hash);
  expect(await ctx.receivedElsewhere(hash)).toBe(200);
  expect((await api('POST', `${H}/collect`, as(contractor, { invoice }))).body.error).toMatchObject({ code: 'invalid_field_value', field: 'invoice' });

  const own = (await api('POST', '/api/v1/topup', { body: { amount_sats: 5 } })).body.invoice;
  const refused = await api('POST', `${H}/collect`, as(contractor, { invoice: own }));
  expect(refused.status).toBe(400);
  expect(refused.body.error).toMatchObject({ code: 'invalid_field_value', field: 'invoice' });
  expect(refused.body.error.message).toMatch(/own node/);
  expect(await ctx.auditProblems()).toEqual([]);
}

/** A payout the node fails (after `failNext` told it to): 400 with the node's reason, the balance back, the same invoice payable after. Answers the refusal. */
export async function collectFailedGivesBack(ctx: FlowContext, failNext: () => Promise<void>): Promise<{ message: string }> {
  const token = await buyToken(ctx, 100);
  const invoice = await ctx.invoiceElsewhere(50);
  await failNext();
  const failed = await call(ctx.url, 'POST', `${H}/collect`, as(token, { invoice }));
  expect(failed.status).toBe(400);
  expect(failed.body.error).toMatchObject({ code: 'invalid_field_value', field: 'invoice' });
  expect(await balanceSats(ctx, token)).toBe(100);
  const retried = await call(ctx.url, 'POST', `${H}/collect`, as(token, { invoice }));
  expect(retried.body).toMatchObject({ status: 'succeeded', paid_sats: 50 });
  expect(await ctx.receivedElsewhere(retried.body.payment_hash)).toBe(50);
  expect(await ctx.auditProblems()).toEqual([]);
  return failed.body.error as { message: string };
}

export interface OtherNode {
  invoiceElsewhere(sats: number): Promise<string>;
  receivedElsewhere(paymentHash: string): Promise<number>;
}

const noOtherNode: OtherNode = {
  invoiceElsewhere: () => Promise.reject(new Error('this suite has no other node to pay out to')),
  receivedElsewhere: () => Promise.reject(new Error('this suite has no other node to pay out to')),
};

/** The flows' view of a harness server (startTestServer / startTestServerOn) and of the node it pays out to. */
export function flowsOf(t: Pick<WalletTestServer, 'url' | 'pay' | 'server'>, other: OtherNode = noOtherNode): FlowContext {
  return { url: t.url, pay: (bolt11) => t.pay(bolt11), ...other, auditProblems: async () => (await t.server.ledger.audit()).problems };
}
