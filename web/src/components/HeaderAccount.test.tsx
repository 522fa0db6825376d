// The header's balance follows what the app's own API client hears, without waiting for its poll.
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { HeaderAccount } from './HeaderAccount';

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

afterEach(() => vi.unstubAllGlobals());

describe('the header account link', () => {
  it('says "Account" while no balance of the token is known', () => {
    expect(text(renderToStaticMarkup(<HeaderAccount token="abl_header_unknown" />))).toBe('Account');
    expect(text(renderToStaticMarkup(<HeaderAccount token={null} />))).toBe('Account');
  });

  it('shows the balance a "Try it" answer left, then what a withdrawal left', async () => {
    const token = 'abl_header_0123456789';
    vi.stubGlobal('fetch', async () => new Response('{}', { status: 200, headers: { 'content-type': 'application/json', 'X-Charged-Sats': '181', 'X-Balance-Sats': '17899' } }));
    await api.callEndpoint({ method: 'POST', path: '/api/v1/openai/v1/chat/completions', token, body: {} });
    const html = renderToStaticMarkup(<HeaderAccount token={token} />);
    expect(text(html)).toBe('17,899 sats');
    expect(html).toContain('aria-label="Account, balance 17,899 sats"');

    const payout = { status: 'paid', payment_hash: 'a'.repeat(64), paid_sats: 500, paid_msat: 500_000, fee_sats: 5, fee_msat: 5_000, balance_sats: 17_394, preimage: 'b'.repeat(64) };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(payout), { status: 200, headers: { 'content-type': 'application/json' } }));
    await api.collect(token, 'lnbcrt1');
    expect(text(renderToStaticMarkup(<HeaderAccount token={token} />))).toBe('17,394 sats');
  });
});
