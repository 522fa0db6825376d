// The contractor agent of the AI for Hire demo (the seed's demo_contractor.py): buys a token,
// listens for new open tasks carrying the run's tag, quotes the milestones' total, and from
// then on acts on live events only: answers the buyer once accepted, delivers the first
// milestone, delivers the second as JSON its schema accepts once the first is released, rates
// the buyer and collects the earnings to a Lightning invoice if it has one to pay into.
//   node --import tsx scripts/demo-contractor.ts [base-url] [--tag demo] [--invoice lnbc…]
import { pathToFileURL } from 'node:url';
import { arg, baseUrlArg, client, HIRE, type DemoOptions } from './demo-client.js';

export interface ContractorResult {
  token: string;
  taskId: string;
  earnedSats: number;
  collected: { paid_sats: number; fee_sats: number; preimage: string } | null;
}

export async function runContractor(opts: DemoOptions & { invoiceFor?: (sats: number) => Promise<string> }): Promise<ContractorResult> {
  const { expectOk, topUp, events, log } = client(opts);
  const token = await topUp(20);
  log(`contractor: bought token ${token.slice(0, 10)}… with 20 sats`);
  const tag = `[${opts.tag}]`;
  const live = await events(token, `?new_tasks=true&match=${encodeURIComponent(tag)}`);
  try {
    // a task posted before we listened is still open: one look at the list, then events only
    const listed = (await expectOk('GET', `${HIRE}/tasks?status=open&limit=100`)).tasks as { id: string; title: string }[];
    const early = listed.find((t) => t.title.startsWith(tag));
    const taskId = early?.id ?? (await live.next('an open task', (e) => e.event === 'task.created' && String(e.data.title).startsWith(tag))).data.task_id;
    const task = await expectOk('GET', `${HIRE}/tasks/${taskId}`);
    const buyer = await expectOk('GET', `${HIRE}/profiles/${task.buyer_profile}`);
    log(`contractor: "${task.title}" by ${buyer.id} (${buyer.sats_paid} sats paid in ${buyer.deals} deals), ${task.milestones.length} milestones`);
    const quote = await expectOk('POST', `${HIRE}/tasks/${taskId}/quotes`, { token, body: { price_sats: task.budget_sats, description: 'A draft now, the haiku right after.' } });
    log(`contractor: quoted ${quote.price_sats} sats`);

    const decided = await live.next('a decision', (e) => e.event.startsWith('quote.') && e.data.quote_id === quote.id && e.data.status !== 'pending');
    if (decided.event !== 'quote.accepted') throw new Error(`the quote was ${decided.data.status}`);
    const thread = `${HIRE}/tasks/${taskId}/quotes/${quote.id}/messages`;
    const asked = (await expectOk('GET', thread, { token })).messages as { sender: string; body: string }[];
    log(`contractor: accepted; the buyer wrote: ${asked.filter((m) => m.sender === 'buyer').map((m) => m.body).join(' / ') || '(nothing)'}`);
    await expectOk('POST', thread, { token, body: { body: 'Channels it is.' } });
    await expectOk('POST', `${HIRE}/tasks/${taskId}/deliver`, { token, body: { body: 'Draft: two nodes, one channel, sats in between.' } });
    log('contractor: delivered the draft');

    await live.next('the first release', (e) => e.event === 'milestone.released' && e.data.task_id === taskId);
    const haiku = { lines: ['Two nodes open a door', 'sats flow where the channel leads', 'closed, the ledger sleeps'] };
    const done = await expectOk('POST', `${HIRE}/tasks/${taskId}/deliver`, { token, body: { body: JSON.stringify(haiku) } });
    if (done.status !== 'completed') throw new Error(`the checked delivery left the task ${done.status}`);
    await live.next('the completion', (e) => e.event === 'task.completed' && e.data.task_id === taskId);
    await expectOk('POST', `${HIRE}/tasks/${taskId}/rating`, { token, body: { stars: 5 } });
    const balance = (await expectOk('GET', `${HIRE}/me`, { token })).balance_sats as number;
    const paid = (await expectOk('GET', `${HIRE}/tasks/${taskId}`, { token })).contractor_paid_sats as number;
    log(`contractor: the haiku passed the buyer's schema; paid ${paid} sats; balance ${balance} sats`);

    let collected: ContractorResult['collected'] = null;
    // the fee reserve (0.5 % + 10 sats by default) must fit beside the amount
    const collectable = Math.floor((balance - 10) / 1.005) - 1;
    if (opts.invoiceFor && collectable > 0) {
      collected = await expectOk('POST', `${HIRE}/collect`, { token, body: { invoice: await opts.invoiceFor(collectable) } }, [200]);
      await live.next('the payout', (e) => e.event === 'payout.completed');
      log(`contractor: collected ${collected!.paid_sats} sats over Lightning (fee ${collected!.fee_sats}), preimage ${collected!.preimage}`);
    } else {
      log(`contractor: to collect, POST ${HIRE}/collect {"invoice": "<an invoice of your wallet for up to ${collectable} sats>"} with X-Token (with the development node, POST /api/v1/dev/invoice {"amount_sats": ${collectable}} makes one)`);
    }
    return { token, taskId, earnedSats: paid, collected };
  } finally {
    live.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const invoice = arg('invoice', 'DEMO_COLLECT_INVOICE', '');
  runContractor({ baseUrl: baseUrlArg(), tag: arg('tag', 'DEMO_TAG', 'demo'), ...(invoice ? { invoiceFor: async () => invoice } : {}) }).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`demo contractor failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
