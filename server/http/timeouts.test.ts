// Slow clients against a real listening server: a body or headers trickled byte by byte, and an
// idle keep-alive connection, are cut within the configured time (small limits injected here);
// what Node's parser refuses before any route is answered in the contract's error shape.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog.js';
import { readSettings } from '../config.js';
import { CONFIG_PATH } from '../proxy/testing.js';
import { connectionTimeouts } from '../server.js';
import { startTestServer, type TestServer } from '../testing/harness.js';

const HEADERS_S = 1;
const BODY_S = 1;
const UPLOAD_S = 3;
const KEEPALIVE_S = 1;
const SLACK_MS = 4_000; // a loaded CI machine: the cut may come late, never early

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    store: 'postgres',
    env: {
      OPENAI_API_KEY: 'sk-unused',
      ABL_HEADERS_TIMEOUT_SECONDS: String(HEADERS_S),
      ABL_BODY_TIMEOUT_SECONDS: String(BODY_S),
      ABL_UPLOAD_TIMEOUT_SECONDS: String(UPLOAD_S),
      ABL_KEEPALIVE_TIMEOUT_SECONDS: String(KEEPALIVE_S),
    },
  });
});
afterAll(() => t?.close());

interface Cut {
  /** from the end of what was sent complete (the head) to the socket's close */
  elapsedMs: number;
  received: string;
}

/**
 * Opens a raw socket, sends `head`, then one byte every 100 ms for ever (the load, not a
 * synchronisation); resolves when the server closes the connection. With `idle`, sends the head
 * and nothing more, timing from the first byte of the answer.
 */
function trickle(head: string, opts: { idle?: boolean } = {}): Promise<Cut> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let started = 0;
    let received = '';
    let drip: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      started = performance.now();
      if (!opts.idle) drip = setInterval(() => socket.write('a'), 100);
    });
    socket.on('data', (d: Buffer) => {
      if (opts.idle && received === '') started = performance.now();
      received += d.toString('latin1');
    });
    socket.on('error', () => undefined); // the server resets a socket it cuts; writes after that fail
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ elapsedMs: performance.now() - started, received });
    });
  });
}

const post = (path: string, contentType: string) =>
  `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: ${contentType}\r\nContent-Length: 100000\r\nX-Token: abl_${'x'.repeat(32)}\r\n\r\n`;

describe('slow clients', () => {
  it('cuts trickled JSON bodies, uploads, headers and idle keep-alive connections within their limits', { timeout: 30_000 }, async () => {
    const [json, upload, formOnJsonRoute, headers, idle] = await Promise.all([
      trickle(post('/api/v1/openai/v1/chat/completions', 'application/json')),
      trickle(post('/api/v1/openai/v1/audio/transcriptions', 'multipart/form-data; boundary=x')),
      trickle(post('/api/v1/topup', 'multipart/form-data; boundary=x')),
      trickle('POST /api/v1/topup HTTP/1.1\r\nHost: test\r\nX-Slow: '),
      trickle('GET /api/v1/health HTTP/1.1\r\nHost: test\r\n\r\n', { idle: true }),
    ]);

    // a JSON body gets BODY_S, on the proxy route too (whose body limit fits uploads)
    expect(json.elapsedMs).toBeGreaterThanOrEqual(BODY_S * 1000 - 50);
    expect(json.elapsedMs).toBeLessThan(BODY_S * 1000 + SLACK_MS);
    // an upload to a route that takes uploads gets longer, UPLOAD_S
    expect(upload.elapsedMs).toBeGreaterThanOrEqual(UPLOAD_S * 1000 - 50);
    expect(upload.elapsedMs).toBeLessThan(UPLOAD_S * 1000 + SLACK_MS);
    // a form on a JSON route is only a slow body
    expect(formOnJsonRoute.elapsedMs).toBeLessThan(BODY_S * 1000 + SLACK_MS);
    // headers never finished: Node's headers timeout
    expect(headers.elapsedMs).toBeGreaterThanOrEqual(HEADERS_S * 1000 - 50);
    expect(headers.elapsedMs).toBeLessThan(HEADERS_S * 1000 + SLACK_MS);
    // an answered request on a keep-alive connection, then nothing: closed after KEEPALIVE_S
    expect(idle.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(idle.elapsedMs).toBeGreaterThanOrEqual(KEEPALIVE_S * 1000 - 50);
    expect(idle.elapsedMs).toBeLessThan(KEEPALIVE_S * 1000 + SLACK_MS);
    // nothing of the cut requests was answered as if it had arrived: cut without a word, or (when a
    // loaded machine delays the cut past Node's own request timeout) told 408 in the contract's shape
    for (const cut of [json, upload, formOnJsonRoute]) {
      if (cut.received === '') continue;
      expect(cut.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(cut.received.split('\r\n\r\n')[1]!)).toMatchObject({ error: { code: 'request_timeout' } });
    }
    // headers too slow: told so in the contract's error shape
    expect(headers.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(headers.received.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'request_timeout', message: expect.any(String) } });
  });

  it('a request Node’s parser refuses (bad framing, headers too large) gets the contract’s error shape', async () => {
    const { hostname, port } = new URL(t.url);
    /** the raw answer to `bytes`, read to the connection's close */
    const exchange = (bytes: string): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(bytes));
        let got = '';
        socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(got));
      });
    const bodyOf = (answer: string) => JSON.parse(answer.split('\r\n\r\n')[1]!);
    const spaced = await exchange('GET /api/v1/health HTTP/1.1\r\nHost: test\r\nBad Header: x\r\n\r\n');
    expect(spaced).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(spaced)).toEqual({ error: { code: 'invalid_field_value', message: expect.any(String), field: 'headers' } });
    const framed = await exchange('POST /api/v1/topup HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}');
    expect(framed).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(framed).error.code).toBe('invalid_field_value');
    const huge = await exchange(`GET /api/v1/health HTTP/1.1\r\nHost: test\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(huge)).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
  });

  it('defaults: 15 s for headers, 30 s for a body, 120 s for an upload, 65 s keep-alive, the slowest upstream + 30 s of silence', () => {
    const settings = readSettings({});
    expect(connectionTimeouts(settings, loadCatalog(CONFIG_PATH))).toEqual({ headersMs: 15_000, bodyMs: 30_000, uploadMs: 120_000, keepAliveMs: 65_000, idleMs: 330_000 });
    expect(connectionTimeouts(readSettings({ ABL_IDLE_TIMEOUT_SECONDS: '400', ABL_BODY_TIMEOUT_SECONDS: '0.5' }), loadCatalog(CONFIG_PATH))).toMatchObject({ bodyMs: 500, idleMs: 400_000 });
    expect(() => readSettings({ ABL_UPLOAD_TIMEOUT_SECONDS: '0' })).toThrow(/ABL_UPLOAD_TIMEOUT_SECONDS/);
  });
});
