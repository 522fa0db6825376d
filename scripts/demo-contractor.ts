// The contractor agent of the AI for Hire demo (the seed's demo_contractor.py): buys a token,
// finds the buyer's task, quotes, answers the buyer, delivers once accepted, waits for the
// confirmation and collects the earnings to a Lightning invoice if it has one to pay into.
//   node --import tsx scripts/demo-contractor.ts [base-url] [--tag demo] [--invoice lnbc…]
import { pathToFileURL } from 'node:url';
import { arg, baseUrlArg, client, HIRE, type DemoOptions } from './demo-client.js';

export interface ContractorResult {
  token: string;
  taskId: string;
  earnedSats: number;
  collected: { paid_sats: number; fee_sats: number; preimage: string } | null;
}

export async function runContractor(
  opts: DemoOptions & { priceSats?: number; invoiceFor?: (sats: number) => Promise<string> },
): Promise<ContractorResult> {
  const { expectOk, topUp, until, log } = client(opts);
  const token = await topUp(20);
  log(`contractor: bought token ${token.slice(0, 10)}… with 20 sats`);

  const task = await until('an open task', async () => {
    const list = await expectOk('GET', `${HIRE}/tasks?status=open&limit=100`);
    return (list.tasks as { id: string; title: string }[]).find((t) => t.title.startsWith(`[${opts.tag}]`));
  });
  const quote = await expectOk('POST', `${HIRE}/tasks/${task.id}/quotes`, { token, body: { price_sats: opts.priceSats ?? 120, description: 'A haiku within the hour.' } });
  log(`contractor: quoted ${quote.price_sats} sats on "${task.title}"`);

  const mine = await until('a decision', async () => {
    const me = await expectOk('GET', `${HIRE}/me`, { token });
    const q = (me.quotes as { id: string; status: string }[]).find((x) => x.id === quote.id);
    return q && q.status !== 'pending' ? q : undefined;
  });
  if (mine.status !== 'accepted') throw new Error(`the quote was ${mine.status}`);

  const thread = `${HIRE}/tasks/${task.id}/quotes/${quote.id}/messages`;
  const asked = (await expectOk('GET', thread, { token })).messages as { sender: string; body: string }[];
  log(`contractor: accepted; the buyer wrote: ${asked.filter((m) => m.sender === 'buyer').map((m) => m.body).join(' / ') || '(nothing)'}`);
  await expectOk('POST', thread, { token, body: { body: 'Channels it is. Delivering now.' } });
  await expectOk('POST', `${HIRE}/tasks/${task.id}/deliver`, { token, body: { body: 'Two nodes open a door\nsats flow where the channel leads\nclosed, the ledger sleeps' } });
  log('contractor: delivered');

  const done = await until('the confirmation', async () => {
    const t = await expectOk('GET', `${HIRE}/tasks/${task.id}`, { token });
    if (['refunded', 'disputed', 'split'].includes(t.status)) throw new Error(`the task ended ${t.status}`);
    return t.status === 'completed' ? t : undefined;
  });
  const balance = (await expectOk('GET', `${HIRE}/me`, { token })).balance_sats as number;
  log(`contractor: paid ${done.contractor_paid_sats} sats; balance ${balance} sats`);

  let collected: ContractorResult['collected'] = null;
  // the fee reserve (0.5 % + 10 sats by default) must fit beside the amount
  const collectable = Math.floor((balance - 10) / 1.005) - 1;
  if (opts.invoiceFor && collectable > 0) {
    collected = await expectOk('POST', `${HIRE}/collect`, { token, body: { invoice: await opts.invoiceFor(collectable) } }, [200]);
    log(`contractor: collected ${collected!.paid_sats} sats over Lightning (fee ${collected!.fee_sats}), preimage ${collected!.preimage}`);
  } else {
    log(`contractor: to collect, POST ${HIRE}/collect {"invoice": "<an invoice of your wallet for up to ${collectable} sats>"} with X-Token (with the development node, POST /api/v1/dev/invoice {"amount_sats": ${collectable}} makes one)`);
  }
  return { token, taskId: task.id, earnedSats: done.contractor_paid_sats, collected };
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
