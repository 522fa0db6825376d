// One call paid from the prepaid token: checks and books the charge when the upstream served it —
// X-Charged-Sats is the catalog price, X-Balance-Sats the previous balance minus it; a free
// endpoint charges nothing and leaves the balance alone.
import type { PublicEndpoint } from '../../contract/catalog.js';
import { callEndpoint, type SuiteContext, type TokenWallet } from './context.js';
import { is2xx } from './expect.js';
import { header, type HttpResponse } from './http.js';
import type { Payload } from './payload.js';
import { isFree, priceOf } from './price.js';
import { ensure } from './report.js';

/** One call paid by the token; checks and books the charge when the upstream served it. */
export async function tokenCall(ctx: SuiteContext, wallet: TokenWallet, ep: PublicEndpoint, payload: Payload): Promise<{ res: HttpResponse; charge: string }> {
  const price = isFree(ep) ? 0 : priceOf(ep, payload);
  ensure(price !== null, 'the catalog prices no model for this request');
  const res = await callEndpoint(ctx, ep, payload, { 'x-token': wallet.token });
  if (!is2xx(res.status)) return { res, charge: 'not served' };
  return { res, charge: price === 0 ? ensureNoCharge(wallet, res) : takeCharge(wallet, res, price) };
}

function takeCharge(wallet: TokenWallet, res: HttpResponse, price: number): string {
  const before = wallet.balance;
  const expected = before - price;
  const reported = Number(header(res, 'x-balance-sats'));
  wallet.charged += price;
  wallet.balance = Number.isFinite(reported) ? reported : expected;
  const charged = header(res, 'x-charged-sats');
  ensure(charged === String(price), `X-Charged-Sats is ${charged ?? '(missing)'}, the catalog price is ${price}`);
  ensure(reported === expected, `X-Balance-Sats is ${header(res, 'x-balance-sats') ?? '(missing)'}, expected ${before} - ${price} = ${expected}`);
  return `charged ${price} sats, balance ${before} → ${reported}`;
}

function ensureNoCharge(wallet: TokenWallet, res: HttpResponse): string {
  const charged = header(res, 'x-charged-sats');
  ensure(charged === undefined || charged === '0', `a free endpoint charged X-Charged-Sats: ${charged}`);
  const balance = header(res, 'x-balance-sats');
  ensure(balance === undefined || Number(balance) === wallet.balance, `a free endpoint changed the balance: ${wallet.balance} → ${balance}`);
  return 'nothing charged';
}
