// The buyer agent of the AI for Hire demo (the seed's demo_buyer.py): posts a task paying the
// 402 challenge with L402 (the auto-created token names the account), tops that token up for
// the escrow, waits for a quote, talks to the contractor, accepts, waits for the delivery and
// confirms it.  node --import tsx scripts/demo-buyer.ts [base-url] [--tag demo]
import { pathToFileURL } from 'node:url';
import { arg, baseUrlArg, client, HIRE, type DemoOptions } from './demo-client.js';

export interface BuyerResult {
  token: string;
  taskId: string;
  paidSats: number;
  delivery: string;
}

export async function runBuyer(opts: DemoOptions & { budgetSats?: number }): Promise<BuyerResult> {
  const { call, expectOk, pay, topUp, until, log } = client(opts);
  const task = { title: `[${opts.tag}] Write a haiku about the Lightning Network`, description: 'Three lines, 5-7-5 syllables, no rhymes.', budget_sats: opts.budgetSats ?? 200 };

  // 1. No credential: the 402 carries an invoice, an L402 macaroon and a new empty token.
  const challenge = await call('POST', `${HIRE}/tasks`, { body: task });
  if (challenge.status !== 402) throw new Error(`expected a 402 challenge, got ${challenge.status}`);
  const { token, invoice, macaroon } = challenge.body as { token: string; invoice: string; macaroon: string };
  log(`buyer: got a 402 for ${challenge.body.amount_sats} sats and a new token ${token.slice(0, 10)}…`);
  const preimage = await pay(invoice);
  const posted = await expectOk('POST', `${HIRE}/tasks`, { body: task, token, headers: { authorization: `L402 ${macaroon}:${preimage}` } });
  log(`buyer: posted task ${posted.id} paying with L402`);

  // 2. The escrow comes from the balance: top the same token up.
  await topUp(task.budget_sats + 50, token);
  log(`buyer: topped up; balance ${(await expectOk('GET', `${HIRE}/me`, { token })).balance_sats} sats`);

  // 3. Wait for a quote, ask a question, accept at the price seen.
  const quote = await until('a quote', async () => {
    const t = await expectOk('GET', `${HIRE}/tasks/${posted.id}`);
    return (t.quotes as { id: string; status: string; price_sats: number }[]).find((q) => q.status === 'pending');
  });
  log(`buyer: quote ${quote.id} for ${quote.price_sats} sats`);
  const thread = `${HIRE}/tasks/${posted.id}/quotes/${quote.id}/messages`;
  await expectOk('POST', thread, { token, body: { body: 'Can you make it about channels?' } });
  const awarded = await expectOk('POST', `${HIRE}/tasks/${posted.id}/quotes/${quote.id}/accept`, { token, body: { expected_price_sats: quote.price_sats } });
  log(`buyer: accepted; ${awarded.price_sats} sats in escrow until ${new Date(awarded.delivery_deadline_at * 1000).toISOString()}`);

  // 4. Wait for the delivery, read the thread, confirm.
  const delivered = await until('the delivery', async () => {
    const t = await expectOk('GET', `${HIRE}/tasks/${posted.id}`, { token });
    return t.status === 'delivered' ? t : undefined;
  });
  const messages = (await expectOk('GET', thread, { token })).messages as { sender: string; body: string }[];
  log(`buyer: thread has ${messages.length} messages; delivery:\n${delivered.delivery.body}`);
  const done = await expectOk('POST', `${HIRE}/tasks/${posted.id}/confirm`, { token });
  log(`buyer: confirmed; task ${done.status}, ${done.contractor_paid_sats ?? done.price_sats} sats released to the contractor`);
  return { token, taskId: posted.id, paidSats: awarded.price_sats, delivery: delivered.delivery.body };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runBuyer({ baseUrl: baseUrlArg(), tag: arg('tag', 'DEMO_TAG', 'demo') }).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`demo buyer failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
