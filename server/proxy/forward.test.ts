// forward() over real HTTP against the fake upstream.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Catalog } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { fakeAudio } from '../testing/fake-upstream/openai-audio.js';
import { FAKE_ORG_ID, FAKE_PROJECT_ID } from '../testing/fake-upstream/wire.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { createProxy, type ApiProxy } from './index.js';
import type { ForwardResponse } from './forward.js';
import { encodeForm, shippedCatalog, withQuery } from './testing.js';

const OPENAI_KEY = 'sk-test-upstream-0123456789';
const ANTHROPIC_KEY = 'sk-ant-test-0123456789';
const catalog = shippedCatalog();

let fake: FakeUpstream;
let proxy: ApiProxy;
const extraProxies: ApiProxy[] = [];

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: OPENAI_KEY, anthropicKey: ANTHROPIC_KEY });
  proxy = makeProxy({});
});
afterAll(async () => {
  await Promise.all([proxy.close(), ...extraProxies.map((p) => p.close())]);
  await fake.close();
});

function makeProxy(env: Record<string, string | undefined>, c: Catalog = catalog): ApiProxy {
  const p = createProxy({
    catalog: c,
    env: { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: fake.url, ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, ...env },
  });
  if (proxy) extraProxies.push(p);
  return p;
}

interface CallOptions {
  headers?: IncomingHttpHeaders;
  body?: Buffer | string | object;
  signal?: AbortSignal;
  via?: ApiProxy;
}

async function call(method: string, url: string, opts: CallOptions = {}): Promise<ForwardResponse> {
  const via = opts.via ?? proxy;
  const m = via.match(method, url);
  if (m.kind !== 'found') throw new Error(`no match for ${method} ${url}`);
  const body = opts.body === undefined ? null : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
  return via.forward({
    api: m.api, endpoint: m.endpoint, method, search: m.search,
    headers: { 'content-type': 'application/json', ...opts.headers },
    body, signal: opts.signal ?? new AbortController().signal,
  });
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

const CHAT = '/api/v1/openai/v1/chat/completions';
const chatBody = (extra: object = {}): object => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }], ...extra });

describe('forward', () => {
  it('strips client credentials and hop-by-hop headers, injects the key, forwards the body byte for byte', async () => {
    // odd spacing and key order: the upstream must get these exact bytes, not a re-serialisation
    const raw = Buffer.from('{ "messages":[{"role":"user","content":"Hello there"}],  "model":"gpt-4o-mini", "x_unknown": 1 }');
    const res = await call('POST', CHAT, {
      body: raw,
      headers: {
        host: 'evil.example',
        authorization: 'Bearer abl_client_token',
        'x-token': 'abl_client_token',
        cookie: 'sid=1',
        connection: 'keep-alive, x-hop',
        'x-hop': 'secret',
        'proxy-authorization': 'Basic eA==',
        'x-forwarded-for': '203.0.113.9',
        'content-length': '999',
        'user-agent': 'test-agent',
      },
    });
    expect(res.status).toBe(200);
    const answer = JSON.parse((await readAll(res.body)).toString()) as { object: string; choices: { message: { content: string } }[] };
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0]?.message.content).toContain('Hello there');

    const seen = fake.lastRequest()!;
    expect(seen.url).toBe('/v1/chat/completions');
    expect(seen.body.equals(raw)).toBe(true);
    expect(seen.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(seen.headers.host).toBe(new URL(fake.url).host);
    expect(seen.headers['content-length']).toBe(String(raw.length));
    expect(seen.headers['user-agent']).toBe('test-agent');
    for (const name of ['x-token', 'cookie', 'x-hop', 'proxy-authorization', 'x-forwarded-for']) expect(seen.headers[name], name).toBeUndefined();

    expect(res.headers['x-request-id']).toMatch(/^req_/);
    for (const name of ['set-cookie', 'openai-organization', 'openai-project', 'alt-svc', 'strict-transport-security', 'connection', 'keep-alive']) {
      expect(res.headers[name], name).toBeUndefined();
    }
  });

  it('never echoes the upstream key in what it returns', async () => {
    const res = await call('POST', CHAT, { body: chatBody() });
    const text = JSON.stringify(res.headers) + (await readAll(res.body)).toString();
    expect(text).not.toContain(OPENAI_KEY);
  });

  it('forwards the query string to the configured path, and a base path prefix', async () => {
    const takesQuery = makeProxy({}, withQuery(catalog, 'openai', 'GET', '/v1/models', ['limit', 'after']));
    await readAll((await call('GET', '/api/v1/openai/v1/models?limit=2&after=x%2Fy', { headers: {}, via: takesQuery })).body);
    expect(fake.lastRequest()?.url).toBe('/v1/models?limit=2&after=x%2Fy');
    const prefixed = makeProxy({ OPENAI_BASE_URL: `${fake.url}/prefix` });
    const res = await call('GET', '/api/v1/openai/v1/models', { via: prefixed });
    await readAll(res.body);
    expect(fake.lastRequest()?.url).toBe('/prefix/v1/models');
    expect(res.status).toBe(404); // the fake has nothing there: an upstream 4xx passes through
  });

  it('sends JSON as application/json even when the client said otherwise (curl -d)', async () => {
    await readAll((await call('POST', CHAT, { body: chatBody(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })).body);
    expect(fake.lastRequest()?.headers['content-type']).toBe('application/json');
  });

  it('uses the configured key header and extra headers for another API', async () => {
    const res = await call('POST', '/api/v1/anthropic/v1/messages', {
      body: { model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] },
      headers: { authorization: 'Bearer abl_client', 'x-api-key': 'client-key' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse((await readAll(res.body)).toString())).toMatchObject({ type: 'message', role: 'assistant' });
    const seen = fake.lastRequest()!;
    expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers.authorization).toBeUndefined();
    expect(res.headers['anthropic-organization-id']).toBeUndefined();
  });

  it('streams server-sent events chunk by chunk, before the upstream has finished', async () => {
    const res = await call('POST', CHAT, { body: chatBody({ stream: true }), headers: { 'x-fake-behavior': 'hold' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const reader = res.body[Symbol.asyncIterator]();
    const first = ((await reader.next()).value as Buffer).toString();
    expect(first).toMatch(/^data: \{.*"object":"chat\.completion\.chunk"/);
    expect(first).not.toContain('[DONE]');
    // the fake is still holding the rest of the stream while we hold the first chunk
    await vi.waitFor(() => expect(fake.held()).toBe(1));
    fake.release();
    let rest = '';
    for (let next = await reader.next(); !next.done; next = await reader.next()) rest += (next.value as Buffer).toString();
    expect(rest.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(rest).toContain('"finish_reason":"stop"');
  });

  it('passes binary audio through intact', async () => {
    const input = 'A little bit of money goes a long way.';
    const res = await call('POST', '/api/v1/openai/v1/audio/speech', { body: { model: 'tts-1', input, voice: 'alloy' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('audio/mpeg');
    const audio = await readAll(res.body);
    expect(audio.equals(fakeAudio(input, 'mp3'))).toBe(true);
  });

  it('forwards a multipart upload byte for byte with its boundary', async () => {
    const form = await encodeForm({ model: 'whisper-1' }, { file: { name: 'speech.mp3', type: 'audio/mpeg', bytes: fakeAudio('x').subarray(0, 5000) } });
    const res = await call('POST', '/api/v1/openai/v1/audio/transcriptions', { body: form.body, headers: { 'content-type': form.contentType } });
    expect(JSON.parse((await readAll(res.body)).toString())).toEqual({ text: 'Fake transcription of speech.mp3 (5000 bytes).' });
    expect(fake.lastRequest()?.body.equals(form.body)).toBe(true);
    expect(fake.lastRequest()?.headers['content-type']).toBe(form.contentType);
  });

  it('passes an upstream 4xx through with its status and body', async () => {
    const res = await call('POST', CHAT, { body: chatBody(), headers: { 'x-fake-behavior': 'error-400' } });
    expect(res.status).toBe(400);
    expect(JSON.parse((await readAll(res.body)).toString())).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_value' } });
  });

  it('turns an upstream redirect into upstream_error (nothing sold here redirects)', async () => {
    for (const status of [301, 302, 307, 308]) {
      const err = await rejection(call('POST', CHAT, { body: chatBody(), headers: { 'x-fake-behavior': `redirect-${status}` } }));
      expect(err.code).toBe('upstream_error');
      expect(err.message).toContain(`HTTP ${status}`);
    }
  });

  it('masks the operator account ids in a passed-through 4xx, compressed or not, and drops the headers carrying them', async () => {
    for (const [behavior, status, id] of [['error-429', 429, FAKE_ORG_ID], ['error-403', 403, FAKE_PROJECT_ID], ['error-429,gzip', 429, FAKE_ORG_ID]] as const) {
      const res = await call('POST', CHAT, { body: chatBody(), headers: { 'x-fake-behavior': behavior, 'accept-encoding': 'gzip, zstd' } });
      expect(res.status).toBe(status);
      const body = (await readAll(res.body)).toString();
      expect(body, behavior).not.toContain(id);
      expect(JSON.parse(body).error.message).toMatch(/(org-|proj_)redacted/);
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(body)));
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(JSON.stringify(res.headers)).not.toMatch(/org-|proj_/);
    }
    expect(fake.lastRequest()?.headers['accept-encoding']).toBe('gzip');
  });

  it('turns an upstream 5xx into upstream_error', async () => {
    const err = await rejection(call('POST', CHAT, { body: chatBody(), headers: { 'x-fake-behavior': 'error-500' } }));
    expect(err.code).toBe('upstream_error');
    expect(err.message).toContain('HTTP 500');
  });

  it('turns an upstream 401 (our key refused) into upstream_error without its message', async () => {
    const wrongKey = makeProxy({ OPENAI_API_KEY: 'sk-wrong-key-abcdefghijkl' });
    const err = await rejection(call('POST', CHAT, { body: chatBody(), via: wrongKey }));
    expect(err.code).toBe('upstream_error');
    expect(err.message).not.toMatch(/sk-|ijkl/);
  });

  it('times out on an upstream that never answers', async () => {
    const quick = structuredClone(catalog);
    quick.apis[0]!.upstream.timeout_seconds = 1;
    const impatient = makeProxy({}, quick);
    const started = Date.now();
    const err = await rejection(call('POST', CHAT, { body: chatBody(), headers: { 'x-fake-behavior': 'hang' }, via: impatient }));
    expect(err.code).toBe('upstream_error');
    expect(err.message).toContain('did not answer within 1 s');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('cancels the upstream request when the signal aborts before the answer', async () => {
    const before = fake.requests();
    const abort = new AbortController();
    const pending = call('POST', CHAT, { body: chatBody(), headers: { 'x-fake-behavior': 'hang' }, signal: abort.signal });
    await vi.waitFor(() => expect(fake.requests()).toBe(before + 1));
    abort.abort();
    const err = await rejection(pending);
    expect(err.code).toBe('upstream_error');
    expect(err.message).toContain('cancelled');
    await vi.waitFor(() => expect(fake.lastRequest()?.closedEarly).toBe(true));
  });

  it('cancels the upstream stream when the signal aborts mid-stream', async () => {
    const abort = new AbortController();
    const res = await call('POST', CHAT, { body: chatBody({ stream: true }), headers: { 'x-fake-behavior': 'hold' }, signal: abort.signal });
    const reader = res.body[Symbol.asyncIterator]();
    await reader.next();
    const record = fake.lastRequest()!;
    expect(record.closedEarly).toBe(false);
    abort.abort();
    await expect(reader.next()).rejects.toThrow();
    await vi.waitFor(() => expect(record.closedEarly).toBe(true));
    fake.release();
  });

  it('refuses with upstream_not_configured when the key is unset, before any request', async () => {
    const keyless = makeProxy({ OPENAI_API_KEY: undefined });
    expect(keyless.isConfigured('openai')).toBe(false);
    expect(keyless.isConfigured('anthropic')).toBe(true);
    expect(proxy.isConfigured('openai')).toBe(true);
    const before = fake.requests();
    const err = await rejection(call('POST', CHAT, { body: chatBody(), via: keyless }));
    expect(err.code).toBe('upstream_not_configured');
    expect(fake.requests()).toBe(before);
  });

  it('turns a network failure into upstream_error', async () => {
    const closed = await startFakeUpstream({ apiKey: 'x' });
    await closed.close();
    const unreachable = makeProxy({ OPENAI_BASE_URL: closed.url });
    const err = await rejection(call('POST', CHAT, { body: chatBody(), via: unreachable }));
    expect(err.code).toBe('upstream_error');
    expect(err.message).toContain('could not be reached');
  });
});
