import { describe, expect, it } from 'vitest';
import { createApiClient } from './client';
import { ApiError } from './errors';
import type { FetchLike } from './http';
import { historyFixture } from '../testing/usageFixture';

interface Seen {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(answer: (url: string) => Response): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  return { seen, fetch: async (url, init) => (seen.push({ url, init }), answer(url)) };
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const headersOf = (s: Seen | undefined): Record<string, string> => (s?.init?.headers ?? {}) as Record<string, string>;
const TOKEN = 'abl_secret_usage_token';

describe('usage history calls', () => {
  it('reads a page with the range and the cursor in the query, the token in the header', async () => {
    const f = fakeFetch(() => json(200, { data: historyFixture, next_cursor: 'MTIuMTIz' }));
    const client = createApiClient({ fetch: f.fetch });
    const page = await client.getUsage(TOKEN, { limit: 50, from: 100, to: 200 });
    expect(page).toEqual({ data: historyFixture, next_cursor: 'MTIuMTIz' });
    expect(f.seen[0]?.url).toBe('/api/v1/usage?limit=50&from=100&to=200');
    await client.getUsage(TOKEN, { limit: 50, cursor: 'MTIuMTIz', from: 100, to: 200 });
    expect(f.seen[1]?.url).toBe('/api/v1/usage?limit=50&cursor=MTIuMTIz&from=100&to=200');
    expect(await client.getUsage(TOKEN)).toBeDefined();
    expect(f.seen[2]?.url).toBe('/api/v1/usage');
    for (const s of f.seen) {
      expect(headersOf(s)['X-Token']).toBe(TOKEN);
      expect(s.url).not.toContain(TOKEN);
    }
  });

  it('reads the totals per day', async () => {
    const days = { days: [{ date: '2026-12-04', spent_msat: 1_425, credited_msat: 1_234_000, by_api: { openai: 1_425 } }] };
    const f = fakeFetch(() => json(200, days));
    expect(await createApiClient({ fetch: f.fetch }).getDailyUsage(TOKEN, { from: 1, to: 2 })).toEqual(days);
    expect(f.seen[0]?.url).toBe('/api/v1/usage/daily?from=1&to=2');
    expect(headersOf(f.seen[0])['X-Token']).toBe(TOKEN);
  });

  it('rejects a refused page with the error’s code and field', async () => {
    const f = fakeFetch(() => json(400, { error: { code: 'invalid_field_value', message: 'bad cursor', field: 'cursor' } }));
    await expect(createApiClient({ fetch: f.fetch }).getUsage(TOKEN, { cursor: 'x' })).rejects.toMatchObject({ code: 'invalid_field_value', field: 'cursor' });
  });
});

describe('the CSV download', () => {
  it('follows X-Next-Cursor and joins the pages into one file, the header once', async () => {
    const f = fakeFetch((url) =>
      url.includes('cursor=')
        ? new Response('2026-12-04T00:00:00.000Z,topup,1234000,1234000,,,,,,,ab\r\n', { status: 200, headers: { 'content-type': 'text/csv' } })
        : new Response('created_at,kind\r\n2026-12-04T00:01:00.000Z,call,-417,1233583\r\n', {
            status: 200,
            headers: { 'content-type': 'text/csv', 'X-Next-Cursor': 'Y3Vy' },
          }),
    );
    const blob = await createApiClient({ fetch: f.fetch }).downloadUsageCsv(TOKEN, { from: 10, to: 20 });
    expect(f.seen.map((s) => s.url)).toEqual(['/api/v1/usage?format=csv&limit=500&from=10&to=20', '/api/v1/usage?format=csv&limit=500&cursor=Y3Vy&from=10&to=20']);
    expect(blob.type).toBe('text/csv;charset=utf-8');
    expect(await blob.text()).toBe('created_at,kind\r\n2026-12-04T00:01:00.000Z,call,-417,1233583\r\n2026-12-04T00:00:00.000Z,topup,1234000,1234000,,,,,,,ab\r\n');
    for (const s of f.seen) {
      expect(headersOf(s)['X-Token']).toBe(TOKEN);
      expect(headersOf(s).Accept).toBe('text/csv');
      expect(s.url).not.toContain(TOKEN);
    }
  });

  it('rejects with the server’s error instead of saving an error page', async () => {
    const f = fakeFetch(() => json(401, { error: { code: 'invalid_token', message: 'Unknown token.' } }));
    const err = await createApiClient({ fetch: f.fetch }).downloadUsageCsv(TOKEN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid_token', status: 401 });
  });
});
