// A small answer is read whole and sent as one buffer (server/http/small-answer.ts): the client
// must see what streaming gave it, headers and bytes, and the same cut when the upstream breaks off.
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFlatPricedConfig } from '../../testing/flat-prices.js';
import { call, startTestServer, type TestServer } from '../../testing/harness.js';

const KEY = 'sk-test-upstream-key';
const CHAT = '/api/v1/openai/v1/chat/completions';
const ANSWER = '{"object":"chat.completion","choices":[]}';

/** An upstream whose answer the request picks by its model: whole, without a media type, or cut after 10 bytes. */
function startUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const model = (JSON.parse(Buffer.concat(chunks).toString()) as { model: string }).model;
      if (model === 'gpt-4o') {
        res.writeHead(200, { 'content-length': String(ANSWER.length), 'x-upstream': 'kept' }).end(ANSWER);
      } else if (model === 'gpt-4.1-nano') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write(ANSWER.slice(0, 10), () => res.socket?.destroy());
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(ANSWER.length), 'x-upstream': 'kept' }).end(ANSWER);
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The answer as raw as node:http gives it: status, headers, the bytes read, and whether it was cut. */
async function post(url: string, token: string, model: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: string; cut: boolean }> {
  const req = httpRequest(`${url}${CHAT}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
  req.end(JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }));
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  const cut = await new Promise<boolean>((resolve) => {
    res.on('end', () => resolve(false));
    res.on('aborted', () => resolve(true));
    res.on('error', () => resolve(true));
  });
  return { status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), cut };
}

describe('small answers through the paid proxy', () => {
  const flatConfig = writeFlatPricedConfig();
  let up: Server;
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    up = await startUpstream();
    const upUrl = `http://127.0.0.1:${(up.address() as AddressInfo).port}`;
    t = await startTestServer({ store: 'postgres', env: { ABL_CONFIG: flatConfig.path, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: upUrl } });
    const created = await call(t.url, 'POST', '/api/v1/topup', { body: { amount_sats: 1000 } });
    token = (await call(t.url, 'POST', '/api/v1/topup/claim', { body: { preimage: await t.pay(created.body.invoice) } })).body.token;
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => up.close(resolve));
    flatConfig.remove();
  });

  it('passes a small answer whole, with the upstream headers and its length', async () => {
    const res = await post(t.url, token, 'gpt-4o-mini');
    expect(res).toMatchObject({ status: 200, body: ANSWER, cut: false });
    expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': String(ANSWER.length), 'x-upstream': 'kept' });
  });

  it('adds no media type to an answer that has none', async () => {
    const res = await post(t.url, token, 'gpt-4o');
    expect(res).toMatchObject({ status: 200, body: ANSWER, cut: false });
    expect(res.headers['content-type']).toBeUndefined();
  });

  // as when streamed: a break before any byte reached the proxy is a 502, after some a 200 that is cut
  it('never passes an answer the upstream broke off as a whole one', async () => {
    const res = await post(t.url, token, 'gpt-4.1-nano');
    if (res.status === 200) {
      expect(res.headers['content-length']).toBe('100');
      expect(res.cut).toBe(true);
      expect(ANSWER.startsWith(res.body)).toBe(true);
    } else {
      expect(res.status).toBe(502);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'upstream_error' } });
    }
  });
});
