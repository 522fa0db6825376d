// The fake upstream on its own: auth, error shapes, test hooks, control API and the CLI.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeForm } from '../../proxy/testing.js';
import { startFakeUpstream, type FakeUpstream } from './server.js';
import { FAKE_ORG_ID, FAKE_PROJECT_ID } from './wire.js';

const KEY = 'sk-fake-openai-key-123456';
let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: KEY, anthropicKey: 'sk-ant-fake', slowChunkMs: 30 });
});
afterAll(() => fake.close());

const openai = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${fake.url}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers } });
const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  openai(path, { method: 'POST', body: JSON.stringify(body), headers });
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('fake upstream: auth and errors in the providers’ shapes', () => {
  it('answers 401 in OpenAI’s shape without a key or with a wrong one (masking it)', async () => {
    const none = await fetch(`${fake.url}/v1/models`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { type: 'invalid_request_error', code: null, message: expect.stringContaining("didn't provide an API key") } });
    const wrong = await fetch(`${fake.url}/v1/models`, { headers: { authorization: 'Bearer sk-wrong-key-abcdefgh' } });
    const body = (await wrong.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_api_key');
    expect(body.error.message).toContain('sk-wrong');
    expect(body.error.message).not.toContain('sk-wrong-key-abcdefgh');
  });

  it('answers Anthropic’s 401 and requires anthropic-version', async () => {
    const msg = { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const bad = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'nope', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(msg) });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    const noVersion = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-ant-fake' }, body: JSON.stringify(msg) });
    expect(noVersion.status).toBe(400);
  });

  it('answers 404 in OpenAI’s shape for an unknown path, 400 for a missing model', async () => {
    const res = await post('/v1/nothing', {});
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { message: 'Invalid URL (POST /v1/nothing)' } });
    const noModel = await post('/v1/chat/completions', { messages: [] });
    expect(noModel.status).toBe(400);
  });
});

describe('fake upstream: test hooks', () => {
  it('forces errors by header or by a marker in the body', async () => {
    expect((await post('/v1/chat/completions', chat, { 'x-fake-behavior': 'error-500' })).status).toBe(500);
    const byBody = await post('/v1/chat/completions', { ...chat, messages: [{ role: 'user', content: 'please __fake:error-400 now' }] });
    expect(byBody.status).toBe(400);
    expect(await byBody.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages' } });
    const limited = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' }, { 'x-fake-behavior': 'error-429' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    // OpenAI's own refusals quote the account: the organization on a rate limit, the project on a model refusal
    expect(((await limited.json()) as { error: { message: string } }).error.message).toContain(`in organization ${FAKE_ORG_ID}`);
    const project = await post('/v1/chat/completions', chat, { 'x-fake-behavior': 'error-403' });
    expect(project.status).toBe(403);
    expect(await project.json()).toMatchObject({ error: { code: 'model_not_found', message: expect.stringContaining(FAKE_PROJECT_ID) } });
    expect(project.headers.get('openai-project')).toBe(FAKE_PROJECT_ID);
  });

  it('redirects, and gzips an error body when asked and accepted', async () => {
    const manual = await openai('/v1/chat/completions', { method: 'POST', body: JSON.stringify(chat), headers: { 'x-fake-behavior': 'redirect-307' }, redirect: 'manual' });
    expect(manual.status).toBe(307);
    expect(manual.headers.get('location')).toBe('https://api.example.invalid/v1/chat/completions');
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const { hostname, port } = new URL(fake.url);
      const req = httpRequest({ hostname, port, path: '/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'accept-encoding': 'gzip', 'x-fake-behavior': 'error-429,gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(chat));
    });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toContain(FAKE_ORG_ID);
  });

  it('slows a stream down', async () => {
    const started = Date.now();
    const res = await post('/v1/chat/completions', { ...chat, stream: true }, { 'x-fake-behavior': 'slow' });
    const frames = (await res.text()).split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(Date.now() - started).toBeGreaterThanOrEqual((frames.length - 1) * 30 - 20);
  });

  it('holds a stream until released, over the control API too', async () => {
    const res = await post('/v1/chat/completions', { ...chat, stream: true }, { 'x-fake-behavior': 'hold' });
    const reader = res.body!.getReader();
    await reader.read();
    const stats = (await (await fetch(`${fake.url}/__fake/stats`)).json()) as { held: number; last: { url: string; headers: Record<string, string> } };
    expect(stats.held).toBe(1);
    expect(stats.last.url).toBe('/v1/chat/completions');
    expect(stats.last.headers['x-fake-behavior']).toBe('hold');
    await fetch(`${fake.url}/__fake/release`, { method: 'POST' });
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += Buffer.from(r.value).toString();
    expect(text).toContain('data: [DONE]');
  });

  it('counts requests and records the last one, control calls aside', async () => {
    const before = fake.requests();
    await post('/v1/moderations', { input: 'x' }, { 'x-custom': 'seen' });
    await fetch(`${fake.url}/__fake/stats`);
    expect(fake.requests()).toBe(before + 1);
    expect(fake.lastRequest()).toMatchObject({ method: 'POST', url: '/v1/moderations', closedEarly: false, headers: { 'x-custom': 'seen' } });
    expect(fake.lastRequest()?.body.toString()).toBe('{"input":"x"}');
  });
});

describe('fake upstream: wire formats not covered through the SDK', () => {
  it('transcription as text, verbose_json and a stream', async () => {
    const upload = async (fields: Record<string, string>): Promise<Response> => {
      const form = await encodeForm(fields, { file: { name: 'a.wav', bytes: new Uint8Array(10) } });
      return openai('/v1/audio/transcriptions', { method: 'POST', body: form.body, headers: { 'content-type': form.contentType } });
    };
    expect(await (await upload({ model: 'whisper-1', response_format: 'text' })).text()).toBe('Fake transcription of a.wav (10 bytes).\n');
    expect(await (await upload({ model: 'whisper-1', response_format: 'verbose_json' })).json()).toMatchObject({ task: 'transcribe', segments: [expect.any(Object)] });
    const streamed = await (await upload({ model: 'gpt-4o-transcribe', stream: 'true' })).text();
    expect(streamed).toContain('"type":"transcript.text.delta"');
    expect(streamed).toContain('"type":"transcript.text.done"');
  });

  it('embeddings as floats with the requested dimensions; gpt-image-1 as base64', async () => {
    const emb = (await (await post('/v1/embeddings', { model: 'text-embedding-3-large', input: 'x', dimensions: 256 })).json()) as { data: { embedding: number[] }[] };
    expect(emb.data[0]?.embedding).toHaveLength(256);
    const img = (await (await post('/v1/images/generations', { model: 'gpt-image-1', prompt: 'x' })).json()) as { data: { b64_json: string }[] };
    expect(Buffer.from(img.data[0]!.b64_json, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('fake upstream CLI', () => {
  it('prints its URL and serves until stopped', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--api-key', 'sk-cli'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer sk-cli' } });
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
