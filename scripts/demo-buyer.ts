// The buyer agent of the AI for Hire demo (the seed's demo_buyer.py): posts a task in two
// milestones paying the 402 challenge with L402 (the auto-created token names the account), the
// second checked by a JSON Schema; tops that token up for the escrow; then acts on live events
// only: looks up the first quoter's reputation, talks, accepts, confirms the first milestone,
// sees the second released by its check, and rates the contractor.
//   node --import tsx scripts/demo-buyer.ts [base-url] [--tag demo]
import { pathToFileURL } from 'node:url';
import { arg, baseUrlArg, client, HIRE, type DemoOptions } from './demo-client.js';

export interface BuyerResult {
  token: string;
  taskId: string;
  paidSats: number;
  delivery: string;
}

/** What the final milestone must be: a haiku as three lines of JSON. */
export const HAIKU_SCHEMA = {
  type: 'object',
  required: ['lines'],
  properties: { lines: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 3, maxItems: 3 } },
  additionalProperties: false,
};

export async function runBuyer(opts: DemoOptions): Promise<BuyerResult> {
  const { call, expectOk, pay, topUp, events, log } = client(opts);
  const milestones = [
    { title: 'A draft to agree on the theme', amount_sats: 80 },
    { title: 'The haiku as JSON {"lines": [three lines]}', amount_sats: 120, acceptance: { json_schema: HAIKU_SCHEMA } },
  ];
  const task = { title: `[${opts.tag}] Write a haiku about the Lightning Network`, description: 'Three lines, 5-7-5 syllables, no rhymes.', milestones };

  // 1. No credential: the 402 carries an invoice, an L402 macaroon and a new empty token.
  const challenge = await call('POST', `${HIRE}/tasks`, { body: task });
  if (challenge.status !== 402) throw new Error(`expected a 402 challenge, got ${challenge.status}`);
  const { token, invoice, macaroon } = challenge.body as { token: string; invoice: string; macaroon: string };
  log(`buyer: got a 402 for ${challenge.body.amount_sats} sats and a new token ${token.slice(0, 10)}…`);
  // everything that concerns the new token from its first event on (last_event_id=0 replays it all)
  const live = await events(token, '?last_event_id=0');
  try {
    const preimage = await pay(invoice);
    const posted = await expectOk('POST', `${HIRE}/tasks`, { body: task, token, headers: { authorization: `L402 ${macaroon}:${preimage}` } });
    log(`buyer: posted task ${posted.id} (${posted.budget_sats} sats in ${posted.milestones.length} milestones) paying with L402`);

    // 2. The escrow comes from the balance: top the same token up.
    await topUp(posted.budget_sats + 50, token);

    // 3. A quote arrives: look at who made it, ask a question, accept at the price seen.
    const quoted = (await live.next('a quote', (e) => e.event === 'quote.created' && e.data.task_id === posted.id)).data;
    const record = await expectOk('GET', `${HIRE}/profiles/${quoted.contractor_profile}`);
    log(`buyer: quote ${quoted.quote_id} for ${quoted.price_sats} sats from ${record.id}: ${record.completed} deals completed, rated ${record.ratings.mean ?? 'never'}`);
    const thread = `${HIRE}/tasks/${posted.id}/quotes/${quoted.quote_id}/messages`;
    await expectOk('POST', thread, { token, body: { body: 'Can you make it about channels?' } });
    const awarded = await expectOk('POST', `${HIRE}/tasks/${posted.id}/quotes/${quoted.quote_id}/accept`, { token, body: { expected_price_sats: quoted.price_sats } });
    log(`buyer: accepted; ${awarded.price_sats} sats in escrow`);

    // 4. The first milestone is delivered: read it, confirm it (its 80 sats go to the contractor).
    await live.next('the first delivery', (e) => e.event === 'task.delivered' && e.data.task_id === posted.id && e.data.current_milestone === 0);
    const draft = (await expectOk('GET', `${HIRE}/tasks/${posted.id}`, { token })).delivery.body as string;
    log(`buyer: draft delivered: ${draft}`);
    await expectOk('POST', `${HIRE}/tasks/${posted.id}/confirm`, { token });

    // 5. The second passes its JSON Schema and is released without us; rate the deal.
    const done = await live.next('the completion', (e) => e.event === 'task.completed' && e.data.task_id === posted.id);
    const final = await expectOk('GET', `${HIRE}/tasks/${posted.id}`, { token });
    log(`buyer: completed (${done.data.outcome}); ${final.contractor_paid_sats} sats released. The haiku:\n${JSON.parse(final.delivery.body).lines.join('\n')}`);
    await expectOk('POST', `${HIRE}/tasks/${posted.id}/rating`, { token, body: { stars: 5, comment: 'On theme, on time.' } });
    return { token, taskId: posted.id, paidSats: final.contractor_paid_sats, delivery: final.delivery.body };
  } finally {
    live.close();
  }
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
