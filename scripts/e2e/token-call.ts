// One call paid from the prepaid token: checks and books the charge when the upstream served it.
// A flat price: X-Charged-Sats is the catalog price, X-Balance-Sats the previous balance minus it.
// A metered price: the charge (X-Charged-Msats, or a stream's receipt at GET /api/v1/usage/{id})
// is at most the most the request could cost, and X-Balance-Sats follows it to the millisat. A
// free endpoint charges nothing and leaves the balance alone.
import type { PublicEndpoint } from '../../contract/catalog.js';
import { callEndpoint, type SuiteContext, type TokenWallet } from './context.js';
import { is2xx } from './expect.js';
import { header, type HttpResponse } from './http.js';
import type { Payload } from './payload.js';
import { isFree, meteredPriceOf, priceOf } from './price.js';
import { ensure } from './report.js';

/** One call paid by the token; checks and books the charge when the upstream served it. */
export async function tokenCall(ctx: SuiteContext, wallet: TokenWallet, ep: PublicEndpoint, payload: Payload): Promise<{ res: HttpResponse; charge: string }> {
  const price = isFree(ep) ? 0 : priceOf(ep, payload);
  ensure(price !== null, 'the catalog prices no model for this request');
  const res = await callEndpoint(ctx, ep, payload, { 'x-token': wallet.token });
  if (!is2xx(res.status)) return { res, charge: 'not served' };
  if (price === 0) return { res, charge: ensureNoCharge(wallet, res) };
  if (meteredPriceOf(ep, payload)) return { res, charge: await takeMeteredCharge(ctx, wallet, res, price, payload.kind === 'json' && payload.body.stream === true) };
  return { res, charge: takeCharge(wallet, res, price) };
}

function takeCharge(wallet: TokenWallet, res: HttpResponse, price: number): string {
  const before = wallet.balance;
  const expected = before - price;
  const reported = Number(header(res, 'x-balance-sats'));
  wallet.chargedMsat += BigInt(price) * 1000n;
  wallet.balance = Number.isFinite(reported) ? reported : expected;
  const charged = header(res, 'x-charged-sats');
  ensure(charged === String(price), `X-Charged-Sats is ${charged ?? '(missing)'}, the catalog price is ${price}`);
  ensure(reported === expected, `X-Balance-Sats is ${header(res, 'x-balance-sats') ?? '(missing)'}, expected ${before} - ${price} = ${expected}`);
  return `charged ${price} sats, balance ${before} → ${reported}`;
}

/** `streamed`: the request asked for a stream (whether the answer is one is checked by the stream run). */
async function takeMeteredCharge(ctx: SuiteContext, wallet: TokenWallet, res: HttpResponse, maxSats: number, streamed: boolean): Promise<string> {
  // the charge is booked first: a check failing below must not leave the final balance off too
  const chargedMsat = streamed ? await streamReceipt(ctx, wallet, res) : chargedHeader(res);
  wallet.chargedMsat += chargedMsat;
  const expected = Number((BigInt(wallet.initial) * 1000n - wallet.chargedMsat) / 1000n);
  wallet.balance = expected;
  ensure(chargedMsat <= BigInt(maxSats) * 1000n, `charged ${chargedMsat} msat, more than this request can cost (${maxSats} sats)`);
  if (streamed) {
    const ceiling = Number(header(res, 'x-max-charge-sats'));
    ensure(Number.isInteger(ceiling) && ceiling > 0 && ceiling <= maxSats, `X-Max-Charge-Sats is ${header(res, 'x-max-charge-sats') ?? '(missing)'}, expected 1…${maxSats}`);
    ensure(chargedMsat <= BigInt(ceiling) * 1000n, `the stream was charged ${chargedMsat} msat, above its ceiling of ${ceiling} sats`);
  } else {
    ensure(header(res, 'x-charged-sats') === ((chargedMsat + 999n) / 1000n).toString(), `X-Charged-Sats ${header(res, 'x-charged-sats') ?? '(missing)'} is not X-Charged-Msats rounded up`);
    const reported = Number(header(res, 'x-balance-sats'));
    ensure(reported === expected, `X-Balance-Sats is ${header(res, 'x-balance-sats') ?? '(missing)'}, expected ${expected} after ${chargedMsat} msat`);
  }
  return `metered: charged ${chargedMsat} msat (at most ${maxSats} sats)`;
}

function chargedHeader(res: HttpResponse): bigint {
  const raw = header(res, 'x-charged-msats');
  ensure(raw !== undefined && /^\d+$/.test(raw), `X-Charged-Msats is ${raw ?? '(missing)'} on a metered answer`);
  return BigInt(raw);
}

/** A metered stream's charge, read from its receipt once it ended (settled before its last byte). */
async function streamReceipt(ctx: SuiteContext, wallet: TokenWallet, res: HttpResponse): Promise<bigint> {
  const id = header(res, 'x-request-id');
  ensure(id !== undefined, 'a metered stream came without X-Request-Id');
  const receipt = await ctx.send({ method: 'GET', url: `${ctx.baseUrl}/api/v1/usage/${id}`, headers: { 'x-token': wallet.token } });
  ensure(receipt.status === 200, `GET /api/v1/usage/${id} answered ${receipt.status} ${receipt.text.slice(0, 200)}`);
  const charged = (receipt.json as { charged_msat?: unknown } | undefined)?.charged_msat;
  ensure(typeof charged === 'number' && Number.isInteger(charged) && charged >= 0, `the receipt has no charged_msat: ${receipt.text.slice(0, 200)}`);
  return BigInt(charged);
}

function ensureNoCharge(wallet: TokenWallet, res: HttpResponse): string {
  const charged = header(res, 'x-charged-sats');
  ensure(charged === undefined || charged === '0', `a free endpoint charged X-Charged-Sats: ${charged}`);
  const balance = header(res, 'x-balance-sats');
  ensure(balance === undefined || Number(balance) === wallet.balance, `a free endpoint changed the balance: ${wallet.balance} → ${balance}`);
  return 'nothing charged';
}
