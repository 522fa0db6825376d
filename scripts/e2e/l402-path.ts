// The happy path paid per request: a call without credentials gets the 402 challenge; the invoice
// is paid; the retry with `Authorization: L402 <macaroon>:<preimage>` is served and charged the
// catalog price (metered: at most the invoice, the ceiling); a replay of a flat credential is 409
// payment_already_used, a metered one pays from its change. A free endpoint needs no credential.
import { createHash } from 'node:crypto';
import type { Example, PublicEndpoint } from '../../contract/catalog.js';
import { ensureChallenge, type Challenge } from './challenge.js';
import { callEndpoint, endpointLabel, type SuiteContext } from './context.js';
import { ensureErrorKeyword, ensureServed } from './expect.js';
import { header, headerValues } from './http.js';
import { examplePayload } from './payload.js';
import { isFree, meteredPriceOf, priceOf } from './price.js';
import { ensure } from './report.js';

export async function checkL402Path(ctx: SuiteContext, ep: PublicEndpoint): Promise<void> {
  const label = endpointLabel(ep);
  const example = ep.example;
  if (!example) return ctx.recorder.skip(label, 'l402', 'L402', 'the catalog has no example for this endpoint');
  if (example.e2e?.skip_happy_path) return ctx.recorder.skip(label, 'l402', 'L402', 'skip_happy_path is set in the catalog example');
  if (isFree(ep)) {
    await ctx.recorder.run(label, 'l402', 'no credentials (free endpoint)', async () => {
      const res = await callEndpoint(ctx, ep, examplePayload(example));
      const served = ensureServed(ep, res);
      ensure(headerValues(res, 'www-authenticate').length === 0, 'a free endpoint sent a payment challenge');
      return `${res.status} ${served}`;
    });
    return;
  }
  await paidWithL402(ctx, ep, example);
}

async function paidWithL402(ctx: SuiteContext, ep: PublicEndpoint, example: Example): Promise<void> {
  const label = endpointLabel(ep);
  const payload = examplePayload(example);
  const price = priceOf(ep, payload);
  const metered = meteredPriceOf(ep, payload) !== null;
  const got: { challenge?: Challenge; authorization?: string; amount?: number } = {};
  await ctx.recorder.run(label, 'l402', 'L402 challenge', async () => {
    ensure(price !== null, 'the catalog prices no model for the example');
    const res = await callEndpoint(ctx, ep, payload);
    got.challenge = ensureChallenge(res, price, ctx.strictKeywords, metered);
    got.amount = (res.json as { amount_sats: number }).amount_sats;
    return `402, LSAT + L402 lines, invoice and amount_sats for ${got.amount} sats${metered ? ` (the ceiling; at most ${price})` : ''}`;
  });
  const paid = got.challenge;
  if (paid === undefined || price === null) return ctx.recorder.skip(label, 'l402', 'L402 paid call', 'no valid challenge to pay');

  await ctx.recorder.run(label, 'l402', 'L402 paid call', async () => {
    const preimage = await ctx.pay(paid.invoice);
    ensure(createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex') === paid.paymentHash, 'the wallet returned a preimage that does not match the invoice');
    const auth = `L402 ${paid.macaroon}:${preimage}`;
    const res = await callEndpoint(ctx, ep, payload, { authorization: auth });
    const served = ensureServed(ep, res);
    got.authorization = auth;
    const charged = header(res, 'x-charged-sats');
    if (metered) {
      const msat = header(res, 'x-charged-msats');
      ensure(msat !== undefined && /^\d+$/.test(msat) && BigInt(msat) <= BigInt(got.amount ?? 0) * 1000n, `X-Charged-Msats is ${msat ?? '(missing)'}, the invoice was ${got.amount} sats`);
      return `paid ${got.amount} sats, ${res.status} ${served}, charged ${msat} msat (the rest stays with the credential)`;
    }
    ensure(charged === String(price), `X-Charged-Sats is ${charged ?? '(missing)'}, the catalog price is ${price}`);
    return `paid ${price} sats, ${res.status} ${served}, charged ${charged}`;
  });
  const spent = got.authorization;
  if (spent === undefined) return ctx.recorder.skip(label, 'l402', 'L402 replay', 'the paid call did not succeed');

  await ctx.recorder.run(label, 'l402', metered ? 'L402 reuse (its change)' : 'L402 replay', async () => {
    const res = await callEndpoint(ctx, ep, payload, { authorization: spent });
    if (!metered) return ensureErrorKeyword(res, { status: 409, code: 'payment_already_used', strict: ctx.strictKeywords });
    // a metered credential keeps what its first call did not use: served again, or told it has too little
    if (res.status === 402) return ensureErrorKeyword(res, { status: 402, code: 'insufficient_balance', strict: ctx.strictKeywords });
    if (res.status === 409) return ensureErrorKeyword(res, { status: 409, code: 'payment_already_used', strict: ctx.strictKeywords });
    return `${res.status} ${ensureServed(ep, res)}: paid from the credential's change`;
  });
}
