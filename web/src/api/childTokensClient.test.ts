import { describe, expect, it } from 'vitest';
import { createApiClient } from './client';
import type { FetchLike } from './http';

interface Seen {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(answer: (url: string, init?: RequestInit) => Response): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  return { seen, fetch: async (url, init) => (seen.push({ url, init }), answer(url, init)) };
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const headersOf = (s: Seen | undefined): Record<string, string> => (s?.init?.headers ?? {}) as Record<string, string>;
const PARENT = 'abl_parent_secret';

const created = { token: 'abl_child_secret', id: 'ct_1', amount_sats: 250, expires_at: 1_800_000_000, max_sats_per_day: 50, apis: ['openai'], balance_sats: 250, created_at: 1_764_806_400 };
const listed = { id: 'ct_1', balance_sats: 250, balance_msat: 250_000, expires_at: 1_800_000_000, max_sats_per_day: 50, apis: ['openai'], spent_today_sats: 0, spent_today_msat: 0, revoked: false, created_at: 1_764_806_400 };

describe('child-token calls', () => {
  it('makes a child with the parent’s token in the header and the limits in the body', async () => {
    const f = fakeFetch(() => json(201, created));
    const body = { amount_sats: 250, expires_at: 1_800_000_000, max_sats_per_day: 50, apis: ['openai'] };
    expect(await createApiClient({ fetch: f.fetch }).createChildToken(PARENT, body)).toEqual(created);
    expect(f.seen[0]?.url).toBe('/api/v1/tokens');
    expect(f.seen[0]?.init?.method).toBe('POST');
    expect(JSON.parse(String(f.seen[0]?.init?.body))).toEqual(body);
    expect(headersOf(f.seen[0])['X-Token']).toBe(PARENT);
  });

  it('lists the children and revokes one by its id', async () => {
    const f = fakeFetch((_url, init) => (init?.method === 'DELETE' ? json(200, { id: 'ct 1', returned_sats: 200, revoked: true }) : json(200, { data: [listed] })));
    const client = createApiClient({ fetch: f.fetch });
    expect(await client.listChildTokens(PARENT)).toEqual([listed]);
    expect(f.seen[0]?.url).toBe('/api/v1/tokens');
    expect(await client.revokeChildToken(PARENT, 'ct 1')).toEqual({ id: 'ct 1', returned_sats: 200, revoked: true });
    expect(f.seen[1]?.url).toBe('/api/v1/tokens/ct%201');
    expect(f.seen[1]?.init?.method).toBe('DELETE');
    for (const s of f.seen) {
      expect(headersOf(s)['X-Token']).toBe(PARENT);
      expect(s.url).not.toContain(PARENT);
    }
  });

  it('rejects with the contract’s codes: insufficient_balance with the balance, a field, forbidden, invalid_token', async () => {
    const answers: Record<string, Response> = {
      a: json(402, { error: { code: 'insufficient_balance', message: 'Balance too low', balance_sats: 40, price_sats: 250 } }),
      b: json(400, { error: { code: 'invalid_field_value', message: 'expires_at is in the past', field: 'expires_at' } }),
      c: json(403, { error: { code: 'forbidden', message: 'A child token cannot make tokens.' } }),
      d: json(401, { error: { code: 'invalid_token', message: 'Unknown token.' } }),
    };
    const expected = [
      { code: 'insufficient_balance', status: 402, balanceSats: 40 },
      { code: 'invalid_field_value', status: 400, field: 'expires_at' },
      { code: 'forbidden', status: 403 },
      { code: 'invalid_token', status: 401 },
    ];
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) {
      const client = createApiClient({ fetch: fakeFetch(() => answers[key]!).fetch });
      await expect(client.createChildToken(PARENT, { amount_sats: 250 })).rejects.toMatchObject(expected[i]!);
    }
  });
});
