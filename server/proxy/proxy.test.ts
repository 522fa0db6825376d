// The whole proxy (match → parse → validate → price → forward) behind a minimal node:http route,
// driven by the official OpenAI SDK and by fetch, against the fake upstream. The route here is a
// stand-in for the real Fastify one (no payments): it shows the order of calls the route makes.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHeaders, errorStatus } from '../http/errors.js';
import { AppError } from '../errors.js';
import { fakeAudio } from '../testing/fake-upstream/openai-audio.js';
import { fakeVector } from '../testing/fake-upstream/openai-misc.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream/server.js';
import { createProxy, matchError, notConfigured, type ApiProxy } from './index.js';
import { flatPricedCatalog } from '../testing/flat-prices.js';

const OPENAI_KEY = 'sk-test-upstream-key';
let fake: FakeUpstream;
let proxy: ApiProxy;
let server: Server;
let base: string;
let client: OpenAI;

function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? Buffer.concat(chunks) : null;
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? '';
  const url = req.url ?? '';
  try {
    const m = proxy.match(method, url);
    if (m.kind !== 'found') throw matchError(m, method, url);
    if (!proxy.isConfigured(m.api)) throw notConfigured(m.api);
    const raw = await readBody(req);
    const input = await proxy.parseBody(m.endpoint, req.headers['content-type'], raw);
    proxy.validate(m.endpoint, input);
    const price = proxy.price(m.endpoint, input);
    const abort = new AbortController();
    res.on('close', () => res.writableFinished || abort.abort());
    const up = await proxy.forward({ api: m.api, endpoint: m.endpoint, method, search: m.search, headers: req.headers, body: raw, signal: abort.signal });
    res.writeHead(up.status, { ...up.headers, 'x-charged-sats': String(up.status < 300 ? price.priceSats : 0) });
    await pipeline(up.body, res);
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    const e = err instanceof AppError ? err : new AppError('internal_error', String(err));
    res.writeHead(errorStatus(e), { 'content-type': 'application/json', ...errorHeaders(e) });
    res.end(JSON.stringify({ error: { code: e.code, message: e.message, ...e.details } }));
  }
}

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: OPENAI_KEY, anthropicKey: 'sk-ant-key' });
  proxy = createProxy({
    catalog: flatPricedCatalog(), // whole prices per call: the raw route below charges price.priceSats
    env: { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-key', ANTHROPIC_BASE_URL: fake.url },
  });
  server = createServer((req, res) => void route(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new OpenAI({ apiKey: 'abl_client_token', baseURL: `${base}/api/v1/openai/v1`, maxRetries: 0 });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await proxy.close();
  await fake.close();
});

describe('the OpenAI SDK through the proxy', () => {
  it('chat completions, plain and streamed', async () => {
    const reply = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello proxy' }] });
    expect(reply.choices[0]?.message.content).toBe('This is a fake reply to: Hello proxy');
    expect(fake.lastRequest()?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);

    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Stream me' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let chunks = 0;
    let usage: unknown = null;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      usage ??= chunk.usage;
    }
    expect(text).toBe('This is a fake reply to: Stream me');
    expect(chunks).toBeGreaterThan(3);
    expect(usage).toMatchObject({ total_tokens: expect.any(Number) });
  });

  it('responses, plain and streamed', async () => {
    const plain = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Tell me a story' });
    expect(plain.output_text).toBe('This is a fake reply to: Tell me a story');
    const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Stream a story', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe('This is a fake reply to: Stream a story');
  });

  it('embeddings (the SDK asks for base64 and decodes it)', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0]?.embedding).toHaveLength(1536);
    expect(res.data[1]?.embedding[5]).toBeCloseTo(fakeVector('two', 1536)[5] as number, 6);
  });

  it('speech as bytes, transcription from an upload', async () => {
    const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'nova', input: 'Spoken words' });
    expect(Buffer.from(await speech.arrayBuffer()).equals(fakeAudio('Spoken words'))).toBe(true);

    const file = await toFile(Buffer.from(fakeAudio('clip').subarray(0, 2048)), 'clip.mp3', { type: 'audio/mpeg' });
    const transcript = await client.audio.transcriptions.create({ model: 'whisper-1', file, temperature: 0.2 });
    expect(transcript.text).toBe('Fake transcription of clip.mp3 (2048 bytes).');
  });

  it('images, moderations, models', async () => {
    const image = await client.images.generate({ model: 'dall-e-3', prompt: 'A lighthouse', size: '1024x1024' });
    expect(image.data?.[0]?.url).toMatch(/\.png$/);
    const moderation = await client.moderations.create({ input: 'I want to hug everyone.' });
    expect(moderation.results[0]?.flagged).toBe(false);
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
  });

  it('sees validation errors in the contract shape, before anything reaches the upstream', async () => {
    const before = fake.requests();
    const err = await client.audio.speech
      .create({ model: 'tts-1', voice: 'robot' as 'alloy', input: 'x' })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('invalid_field_value');
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ field: 'voice' });
    const unknownModel = await client.chat.completions.create({ model: 'gpt-99', messages: [] }).then(() => null, (e: unknown) => e);
    expect((unknownModel as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('invalid_field_value');
    expect(fake.requests()).toBe(before);
  });
});

describe('raw HTTP through the proxy', () => {
  it('streams Anthropic messages as server-sent events', async () => {
    const res = await fetch(`${base}/api/v1/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-token': 'abl_client' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Hi Claude' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-charged-sats')).toBe('50');
    const events = [...(await res.text()).matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events).toContain('content_block_delta');
  });

  it('answers 404 for traversal attempts and forwards nothing', async () => {
    const before = fake.requests();
    // node:http sends the path as written; fetch would normalise `%2e%2e` away before sending
    for (const path of ['/api/v1/openai/v1/embeddings/..%2Fchat%2Fcompletions', '/api/v1/openai/v1/%2e%2e/v1/models', '/api/v1/openai/v1/models/', '/api/v1/openai/v1/chat/../models']) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(404);
      expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe('not_found');
    }
    expect(fake.requests()).toBe(before);
  });

  it('reads a JSON body sent as a form (curl -d) and refuses a broken one', async () => {
    const body = JSON.stringify({ model: 'omni-moderation-latest', input: 'hello' });
    const ok = await fetch(`${base}/api/v1/openai/v1/moderations`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-charged-sats')).toBe('1');
    const broken = await fetch(`${base}/api/v1/openai/v1/moderations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });
});
