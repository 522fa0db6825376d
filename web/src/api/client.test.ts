import { describe, expect, it } from 'vitest';
import { createApiClient } from './client';
import { ApiError, NETWORK_MESSAGE, TIMEOUT_MESSAGE } from './errors';
import type { FetchLike } from './http';
import { quoteFixture, taskFixture } from '../testing/hireFixture';

interface Seen {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(answer: (url: string, init?: RequestInit) => Response | Promise<Response>): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    fetch: async (url, init) => {
      seen.push({ url, init });
      return answer(url, init);
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const headersOf = (s: Seen | undefined): Record<string, string> => (s?.init?.headers ?? {}) as Record<string, string>;

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('api client requests', () => {
  it('sends JSON bodies with X-Token and reads the answer', async () => {
    const f = fakeFetch(() => json(201, { invoice: 'lnbc1', payment_hash: 'ab', amount_sats: 500, expires_at: 1 }));
    const client = createApiClient({ fetch: f.fetch });
    const invoice = await client.createTopup(500, 'abl_refill');
    expect(invoice.invoice).toBe('lnbc1');
    expect(f.seen[0]?.url).toBe('/api/v1/topup');
    expect(f.seen[0]?.init?.method).toBe('POST');
    expect(f.seen[0]?.init?.body).toBe('{"amount_sats":500}');
    expect(headersOf(f.seen[0])['X-Token']).toBe('abl_refill');
    expect(headersOf(f.seen[0])['Content-Type']).toBe('application/json');
  });

  it('builds hire paths and the accept body', async () => {
    const f = fakeFetch(() => json(200, taskFixture({ id: 't 1', status: 'awarded' })));
    const client = createApiClient({ fetch: f.fetch, baseUrl: 'http://x' });
    const task = await client.acceptQuote('abl_b', 't 1', 'q7', 1200);
    expect(task.status).toBe('awarded');
    expect(f.seen[0]?.url).toBe('http://x/api/v1/ai-for-hire/tasks/t%201/quotes/q7/accept');
    expect(f.seen[0]?.init?.body).toBe('{"expected_price_sats":1200}');
  });

  it('pages the task list by next_offset and reads a task and its thread as the server sends them', async () => {
    const first = taskFixture({ id: 'a' });
    const second = taskFixture({ id: 'b' });
    const message = { id: 3, quote_id: 'q1', kind: 'message', sender: 'buyer', body: 'hi', created_at: 1, read: false };
    const f = fakeFetch((url) => {
      if (url.includes('/tasks?')) return json(200, url.includes('offset=50') ? { tasks: [second], next_offset: null } : { tasks: [first], next_offset: 50 });
      if (url.endsWith('/messages')) return json(200, { messages: [message], next_after_id: null });
      return json(200, taskFixture({ id: 'c', quote_count: 1, quotes: [quoteFixture()] }));
    });
    const client = createApiClient({ fetch: f.fetch });
    expect(await client.listTasks({ status: 'open' })).toEqual({ tasks: [first], nextOffset: 50 });
    expect(await client.listTasks({ status: 'open', offset: 50 })).toEqual({ tasks: [second], nextOffset: null });
    expect(f.seen[1]?.url).toBe('/api/v1/ai-for-hire/tasks?status=open&offset=50');
    expect((await client.getTask('c', 'abl_viewer')).quotes).toEqual([quoteFixture()]);
    expect(headersOf(f.seen[2])['X-Token']).toBe('abl_viewer');
    expect(await client.getMessages('abl_viewer', 'c', 'q1')).toEqual([message]);
  });
});

describe('api client errors', () => {
  it('maps an insufficient_balance body with its details', async () => {
    const f = fakeFetch(() =>
      json(402, { error: { code: 'insufficient_balance', message: 'Balance too low', balance_sats: 3, price_sats: 50 } }),
    );
    const err = await rejection(createApiClient({ fetch: f.fetch }).postTask('abl_x', { title: 't', description: 'd' }));
    expect(err).toMatchObject({ code: 'insufficient_balance', status: 402, message: 'Balance too low', balanceSats: 3, priceSats: 50 });
  });

  it('keeps the top-level fields of a payment_required challenge', async () => {
    const body = {
      error: { code: 'payment_required', message: 'Pay the invoice' },
      invoice: 'lnbc50n1',
      payment_hash: 'f'.repeat(64),
      amount_sats: 50,
      macaroon: 'AgED',
      expires_at: 1_700_000_000,
      token: 'abl_new',
    };
    const f = fakeFetch(() => json(402, body));
    const err = await rejection(createApiClient({ fetch: f.fetch }).postTask(undefined, { title: 't', description: 'd' }));
    expect(err.code).toBe('payment_required');
    expect(err.challenge).toEqual({ invoice: 'lnbc50n1', payment_hash: 'f'.repeat(64), amount_sats: 50, macaroon: 'AgED', expires_at: 1_700_000_000, token: 'abl_new' });
  });

  it('reads field and Retry-After', async () => {
    const f = fakeFetch((url) =>
      url.endsWith('/claim')
        ? json(400, { error: { code: 'invalid_field_value', message: 'bad', field: 'preimage' } })
        : json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '12' }),
    );
    const client = createApiClient({ fetch: f.fetch });
    expect((await rejection(client.claimTopup('00'))).field).toBe('preimage');
    expect((await rejection(client.getHealth())).retryAfterSeconds).toBe(12);
  });

  it('turns a body without the error shape into unexpected_response', async () => {
    const f = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const err = await rejection(createApiClient({ fetch: f.fetch }).getCatalog());
    expect(err.code).toBe('unexpected_response');
    expect(err.status).toBe(502);
    expect(err.message).toContain('502 Bad Gateway');
  });

  it('takes an upstream error without a code by its type', async () => {
    const f = fakeFetch(() => json(400, { error: { message: 'Invalid model', type: 'invalid_request_error', code: null } }));
    const result = await createApiClient({ fetch: f.fetch }).callEndpoint({ method: 'POST', path: '/api/v1/openai/v1/chat/completions', body: {} });
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('invalid_request_error');
    expect(result.payload).toEqual({ kind: 'json', value: { error: { message: 'Invalid model', type: 'invalid_request_error', code: null } } });
  });

  it('reports a network failure as network_error', async () => {
    const client = createApiClient({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    const err = await rejection(client.getBalance('abl_x'));
    expect(err).toMatchObject({ code: 'network_error', status: 0, message: NETWORK_MESSAGE });
  });

  it('reports a timeout as network_error', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const err = await rejection(createApiClient({ fetch: hang, timeoutMs: 10 }).getHealth());
    expect(err).toMatchObject({ code: 'network_error', message: TIMEOUT_MESSAGE });
  });

  it('rethrows a cancellation the caller asked for', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const controller = new AbortController();
    const pending = createApiClient({ fetch: hang }).getCatalog(controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('proxied calls', () => {
  it('reads the charge headers and binary answers', async () => {
    const f = fakeFetch(
      () => new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'content-type': 'audio/mpeg', 'X-Charged-Sats': '200', 'X-Balance-Sats': '800' } }),
    );
    const form = new FormData();
    form.append('model', 'tts-1');
    const result = await createApiClient({ fetch: f.fetch }).callEndpoint({ method: 'POST', path: '/api/v1/openai/v1/audio/speech', token: 'abl_t', body: form });
    expect(result).toMatchObject({ status: 200, ok: true, chargedSats: 200, balanceSats: 800, error: null });
    expect(result.payload.kind).toBe('binary');
    expect(f.seen[0]?.init?.body).toBe(form);
    expect(headersOf(f.seen[0])['Content-Type']).toBeUndefined();
  });

  it('reads a metered JSON answer’s receipt: exact msat, rounded sats, balance and request id', async () => {
    const headers = { 'content-type': 'application/json', 'X-Request-Id': 'req-7', 'X-Charged-Msats': '417', 'X-Charged-Sats': '1', 'X-Balance-Sats': '1233' };
    const f = fakeFetch(() => json(200, { object: 'chat.completion' }, headers));
    const result = await createApiClient({ fetch: f.fetch }).callEndpoint({ method: 'POST', path: '/api/v1/openai/v1/chat/completions', token: 'abl_t', body: {} });
    expect(result).toMatchObject({ requestId: 'req-7', chargedMsats: 417, chargedSats: 1, balanceSats: 1233, maxChargeSats: null, streamed: false });
  });

  it('tells a stream’s ceiling before its body has arrived', async () => {
    let finish: () => void = () => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('data: {}\n\n'));
        finish = () => {
          c.enqueue(new TextEncoder().encode('data: [DONE]\n\n'));
          c.close();
        };
      },
    });
    const headers = { 'content-type': 'text/event-stream', 'X-Request-Id': 'req-8', 'X-Max-Charge-Sats': '10', 'X-Balance-Sats': '1224' };
    const f = fakeFetch(() => new Response(body, { status: 200, headers }));
    const heads: unknown[] = [];
    const pending = createApiClient({ fetch: f.fetch }).callEndpoint({
      method: 'POST',
      path: '/api/v1/openai/v1/chat/completions',
      token: 'abl_t',
      body: { stream: true },
      onHead: (h) => {
        heads.push(h);
        finish();
      },
    });
    const result = await pending;
    expect(heads).toEqual([expect.objectContaining({ streamed: true, requestId: 'req-8', maxChargeSats: 10, chargedSats: null, balanceSats: 1224 })]);
    expect(result.payload).toEqual({ kind: 'text', text: 'data: {}\n\ndata: [DONE]\n\n' });
  });

  it('stops reading a stream’s body when the caller cancels after its headers came', async () => {
    const f = fakeFetch((_url, init) => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('data: {}\n\n'));
          init?.signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', 'X-Max-Charge-Sats': '10' } });
    });
    const controller = new AbortController();
    const pending = createApiClient({ fetch: f.fetch }).callEndpoint({
      method: 'POST',
      path: '/api/v1/openai/v1/chat/completions',
      body: { stream: true },
      signal: controller.signal,
      onHead: () => controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: 'network_error' });
  });
});
