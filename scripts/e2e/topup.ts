// The prepaid token the token paths spend: sized from the catalog to cover every paid call the
// suite makes (the stream run's possible second call included) with a margin, bought with
// POST /api/v1/topup, paid, and claimed; at the end its balance must be exactly what it was
// minus the catalog prices of the calls served.
import type { PublicCatalog, PublicEndpoint } from '../../contract/catalog.js';
import type { SuiteContext, TokenWallet } from './context.js';
import { ensureStatus, is2xx } from './expect.js';
import { examplePayload, fieldOf, withField, withStream } from './payload.js';
import { cheapestOtherModel, isFree, modelField, priceOf } from './price.js';
import { ensure } from './report.js';

const TOPUP = '/api/v1/topup';

/** Sats the token paths may spend on this endpoint: the example, and the stream run (and its fallback). */
function tokenSpend(ep: PublicEndpoint): number {
  if (!ep.example || ep.example.e2e?.skip_happy_path || isFree(ep)) return 0;
  const example = examplePayload(ep.example);
  const price = priceOf(ep, example) ?? 0;
  if (!ep.streaming) return price;
  const streamed = withStream(example);
  const fallback = cheapestOtherModel(ep, fieldOf(streamed, modelField(ep)));
  return price + (priceOf(ep, streamed) ?? price) + (fallback !== undefined ? (priceOf(ep, withField(streamed, modelField(ep), fallback)) ?? 0) : 0);
}

/** The top-up amount: every paid token call plus a quarter and 10 sats, within the catalog's limits. */
export function tokenBudget(catalog: PublicCatalog): number {
  const spend = catalog.apis.flatMap((a) => a.endpoints).reduce((sum, ep) => sum + tokenSpend(ep), 0);
  if (spend === 0) return 0;
  const wanted = Math.ceil(spend * 1.25) + 10;
  return Math.min(Math.max(wanted, catalog.topup.min_sats), catalog.topup.max_sats);
}

export async function buyToken(ctx: SuiteContext, amountSats: number): Promise<TokenWallet | null> {
  const got: { wallet?: TokenWallet } = {};
  await ctx.recorder.run(`POST ${TOPUP}`, 'suite', 'top-up', async () => {
    const created = await ctx.send({ method: 'POST', url: ctx.baseUrl + TOPUP, json: { amount_sats: amountSats } });
    ensureStatus(created, is2xx, '201 with an invoice');
    const invoice = (created.json as { invoice?: unknown } | undefined)?.invoice;
    ensure(typeof invoice === 'string', `no invoice in the top-up answer: ${created.text.slice(0, 200)}`);
    const preimage = await ctx.pay(invoice);
    const claimed = await ctx.send({ method: 'POST', url: `${ctx.baseUrl}${TOPUP}/claim`, json: { preimage } });
    ensureStatus(claimed, (s) => s === 200, '200 with a token');
    const body = claimed.json as { token?: unknown; balance_sats?: unknown; credited_sats?: unknown };
    ensure(typeof body.token === 'string' && body.token.startsWith('abl_'), `no abl_ token in the claim answer: ${claimed.text.slice(0, 200)}`);
    ensure(body.balance_sats === amountSats, `a new token should hold ${amountSats} sats, the claim says ${String(body.balance_sats)}`);
    got.wallet = { token: body.token, balance: amountSats, initial: amountSats, chargedMsat: 0n };
    return `bought ${amountSats} sats, token ${body.token.slice(0, 10)}…`;
  });
  return got.wallet ?? null;
}

/** GET /api/v1/balance: what the token holds now is what it held minus what the catalog charged. */
export async function checkFinalBalance(ctx: SuiteContext, wallet: TokenWallet): Promise<void> {
  await ctx.recorder.run('GET /api/v1/balance', 'suite', 'final balance', async () => {
    const res = await ctx.send({ method: 'GET', url: `${ctx.baseUrl}/api/v1/balance`, headers: { 'x-token': wallet.token } });
    ensureStatus(res, (s) => s === 200, '200 with the balance');
    const balance = (res.json as { balance_msat?: unknown } | undefined)?.balance_msat;
    const expected = BigInt(wallet.initial) * 1000n - wallet.chargedMsat;
    ensure(typeof balance === 'number' && BigInt(balance) === expected, `balance_msat is ${String(balance)}, expected ${wallet.initial} sats - ${wallet.chargedMsat} msat charged = ${expected}`);
    return `${balance} msat = ${wallet.initial} sats bought - ${wallet.chargedMsat} msat charged`;
  });
}
