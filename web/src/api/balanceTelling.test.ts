// The API client tells the balance store every balance an answer names: the header shows it at once.
import { describe, expect, it } from 'vitest';
import { createBalanceStore } from '../state/balanceStore';
import { createApiClient } from './client';
import type { FetchLike } from './http';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function clientAnswering(answer: (url: string) => Response | Promise<Response>) {
  const balances = createBalanceStore();
  const fetch: FetchLike = async (url) => answer(url);
  return { balances, client: createApiClient({ fetch, balances }) };
}

const HASH = 'a'.repeat(64);

describe('balances the API client hears', () => {
  it('takes X-Balance-Sats of a "Try it" answer for the token that paid', async () => {
    const { balances, client } = clientAnswering(() => json(200, { ok: true }, { 'X-Charged-Sats': '181', 'X-Balance-Sats': '17899' }));
    await client.callEndpoint({ method: 'POST', path: '/api/v1/openai/v1/chat/completions', token: 'abl_parent', body: {} });
    expect(balances.get('abl_parent')).toBe(17_899);
  });

  it('takes the balance a withdrawal, a balance read and AI for Hire\'s /me answer', async () => {
    const payout = { status: 'paid', payment_hash: HASH, paid_sats: 250, paid_msat: 250_000, fee_sats: 0, fee_msat: 0, balance_sats: 17_394, preimage: HASH };
    const { balances, client } = clientAnswering((url) =>
      url.endsWith('/collect') ? json(200, payout) : url.endsWith('/me') ? json(200, { balance_sats: 17_000 }) : json(200, { balance_sats: 17_644, balance_msat: 17_644_000 }),
    );
    await client.getBalance('abl_parent');
    expect(balances.get('abl_parent')).toBe(17_644);
    await client.collect('abl_parent', 'lnbcrt1');
    expect(balances.get('abl_parent')).toBe(17_394);
    await client.me('abl_parent');
    expect(balances.get('abl_parent')).toBe(17_000);
  });

  it('takes the balance of the token a top-up claim names, and none from a claim that names no token', async () => {
    let body: unknown = { token: 'abl_parent', balance_sats: 18_394, credited_sats: 1_000 };
    const { balances, client } = clientAnswering(() => json(200, body));
    await client.claimTopup(HASH, 'abl_parent');
    expect(balances.get('abl_parent')).toBe(18_394);
    body = { token: 'abl_new', balance_sats: 500, credited_sats: 500 };
    await client.claimTopupWithSecret(HASH, 'secret');
    expect(balances.get('abl_new')).toBe(500);
    body = { credited_sats: 100 };
    await client.claimTopup(HASH);
    expect([balances.get('abl_parent'), balances.get('abl_new')]).toEqual([18_394, 500]);
  });

  it('hears nothing from a call without a token or an answer without the header', async () => {
    const { balances, client } = clientAnswering(() => json(402, { error: { code: 'insufficient_balance', message: 'no', balance_sats: 3 } }));
    await client.callEndpoint({ method: 'POST', path: '/api/v1/openai/v1/chat/completions', body: {} });
    await client.callEndpoint({ method: 'POST', path: '/api/v1/openai/v1/chat/completions', token: 'abl_parent', body: {} });
    expect(balances.get('abl_parent')).toBeUndefined();
  });

  it('keeps a paid call\'s balance over a balance read that left before it and answered after', async () => {
    let answerRead: (r: Response) => void = () => undefined;
    const { balances, client } = clientAnswering((url) =>
      url.endsWith('/balance') ? new Promise<Response>((resolve) => (answerRead = resolve)) : json(200, {}, { 'X-Charged-Sats': '181', 'X-Balance-Sats': '17899' }),
    );
    const read = client.getBalance('abl_parent');
    await client.callEndpoint({ method: 'POST', path: '/api/v1/openai/v1/chat/completions', token: 'abl_parent', body: {} });
    answerRead(json(200, { balance_sats: 18_080, balance_msat: 18_080_000 }));
    expect((await read).balance_sats).toBe(18_080);
    expect(balances.get('abl_parent')).toBe(17_899);
  });
});
