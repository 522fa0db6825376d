// A fake OpenAI and Anthropic upstream for tests, the e2e suite and benchmarks. It speaks the real
// wire formats, checks the key it was started with (401 in each provider's error shape), and
// records what it received so tests can assert what the proxy forwarded.
//
// Test hooks, chosen per request by an `x-fake-behavior` header or by `__fake:<behavior>` anywhere
// in the body (so they also work through clients that cannot set headers):
//   error-500  a 500 in the provider's error shape        error-400  a 400 (the upstream refusing)
//   error-429  a rate-limit answer with Retry-After, quoting the organization id, as OpenAI's does
//   error-403  OpenAI's "project has no access to model" answer, quoting the project id
//   gzip       (with an error-4xx) the error body gzip-compressed, when the request accepts gzip
//   redirect-301, redirect-307 ...  a redirect with a Location header      hang       never answers
//   slow       streams with slowChunkMs between chunks          hold       sends the first chunk, then waits for release()
//   wait       answers (JSON or stream) only after release()
//   error-mid-stream  a stream ends after two deltas with the provider's in-stream error event
// Control API (no auth, test use only): GET /__fake/stats, POST /__fake/release.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messages } from './anthropic.js';
import { speech, transcriptions, translations } from './openai-audio.js';
import { chatCompletions } from './openai-chat.js';
import { embeddings, imageGenerations, models, moderations } from './openai-misc.js';
import { responses } from './openai-responses.js';
import { compressJson, FAKE_ORG_ID, FAKE_PROJECT_ID, sendAnthropicError, sendJson, sendOpenAiError, type FakeHandler, type Pace } from './wire.js';

export interface FakeUpstreamOptions {
  port?: number;
  host?: string;
  /** the OpenAI key it accepts (Authorization: Bearer <apiKey>) */
  apiKey: string;
  /** the Anthropic key it accepts (x-api-key); default: apiKey */
  anthropicKey?: string;
  /** pause between chunks in the `slow` behaviour; default 200 ms */
  slowChunkMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** path and query as received */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** the client closed the connection before the answer was complete */
  closedEarly: boolean;
}

export interface FakeUpstream {
  url: string;
  close(): Promise<void>;
  lastRequest(): RecordedRequest | undefined;
  /** requests received so far (control calls not counted) */
  requests(): number;
  /** streams currently waiting in the `hold` behaviour */
  held(): number;
  /** lets every held stream go on */
  release(): void;
}

const OPENAI: Record<string, FakeHandler> = {
  'POST /v1/chat/completions': chatCompletions,
  'POST /v1/responses': responses,
  'POST /v1/embeddings': embeddings,
  'POST /v1/audio/transcriptions': transcriptions,
  'POST /v1/audio/translations': translations,
  'POST /v1/audio/speech': speech,
  'POST /v1/images/generations': imageGenerations,
  'POST /v1/moderations': moderations,
  'GET /v1/models': models,
};
const ANTHROPIC: Record<string, FakeHandler> = { 'POST /v1/messages': messages };

export async function startFakeUpstream(opts: FakeUpstreamOptions): Promise<FakeUpstream> {
  const anthropicKey = opts.anthropicKey ?? opts.apiKey;
  const slowMs = opts.slowChunkMs ?? 200;
  let count = 0;
  let last: RecordedRequest | undefined;
  let waiting: (() => void)[] = [];
  let baseUrl = '';

  const release = (): void => {
    const go = waiting;
    waiting = [];
    for (const resolve of go) resolve();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path.startsWith('/__fake/')) return control(req, res, path);

    const record: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, closedEarly: false };
    count++;
    last = record;
    res.on('close', () => {
      if (!res.writableFinished) record.closedEarly = true;
    });

    const key = `${req.method} ${path}`;
    const anthropic = ANTHROPIC[key];
    const handler = anthropic ?? OPENAI[key];
    if (anthropic) {
      if (req.headers['x-api-key'] !== anthropicKey) return sendAnthropicError(res, 401, 'authentication_error', 'invalid x-api-key');
      if (!req.headers['anthropic-version']) return sendAnthropicError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    } else if (!openAiAuthorized(req.headers.authorization, opts.apiKey, res)) {
      return;
    }
    if (!handler) return sendOpenAiError(res, 404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error');

    const behaviors = behaviorsOf(req.headers, body);
    const behavior = behaviors[0] ?? null;
    if (behavior === 'hang') return; // never answer; the record notes when the client gives up
    if (behavior?.startsWith('redirect-')) {
      res.writeHead(Number(behavior.slice(9)), { location: `https://api.example.invalid${req.url ?? '/'}`, 'content-type': 'text/html' });
      return void res.end('<html><body>Moved</body></html>');
    }
    if (behavior?.startsWith('error-') && behavior !== 'error-mid-stream') {
      const gzip = behaviors.includes('gzip') && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      return sendFailure(res, Number(behavior.slice(6)), Boolean(anthropic), gzip);
    }
    if (behavior === 'wait') await new Promise<void>((resolve) => waiting.push(resolve)); // thinking until release()

    const pace: Pace =
      behavior === 'slow' ? () => sleep(slowMs)
      : behavior === 'hold' ? (i) => (i === 1 ? new Promise<void>((resolve) => waiting.push(resolve)) : tick())
      : tick;
    await handler({ req, res, path, body, json: parseJson(req.headers, body), pace, baseUrl, ...(behavior === 'error-mid-stream' ? { failMidStream: true } : {}) });
  };

  const control = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    if (req.method === 'POST' && path === '/__fake/release') {
      release();
      return sendJson(res, 200, { released: true });
    }
    if (req.method === 'GET' && path === '/__fake/stats') {
      const lastSummary = last && { method: last.method, url: last.url, headers: last.headers, body_bytes: last.body.length, closed_early: last.closedEarly };
      return sendJson(res, 200, { requests: count, held: waiting.length, last: lastSummary ?? null });
    }
    if (req.method === 'GET' && path.startsWith('/__fake/images/')) {
      res.writeHead(200, { 'content-type': 'image/png' });
      return void res.end(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'));
    }
    sendJson(res, 404, { error: { message: 'unknown control call', type: 'invalid_request_error', param: null, code: null } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendOpenAiError(res, 500, `fake upstream bug: ${String(err)}`, 'server_error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url: baseUrl,
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    lastRequest: () => last,
    requests: () => count,
    held: () => waiting.length,
    release,
  };
}

function openAiAuthorized(header: string | undefined, apiKey: string, res: ServerResponse): boolean {
  if (header === `Bearer ${apiKey}`) return true;
  const given = header?.replace(/^Bearer\s+/i, '') ?? '';
  const message = given
    ? `Incorrect API key provided: ${mask(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`
    : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
  sendOpenAiError(res, 401, message, 'invalid_request_error', null, given ? 'invalid_api_key' : null);
  return false;
}

/** OpenAI shows the start and end of a wrong key, as here: a reason the proxy never passes a 401 on. */
const mask = (key: string): string => (key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}` : '*'.repeat(key.length));

function sendFailure(res: ServerResponse, status: number, anthropic: boolean, gzip: boolean): void {
  if (gzip) compressJson(res);
  if (status === 429) res.setHeader('retry-after', '1');
  if (anthropic) {
    const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return sendAnthropicError(res, status, type, `fake ${type}`);
  }
  if (status >= 500) return sendOpenAiError(res, status, 'The server had an error while processing your request. Sorry about that!', 'server_error');
  if (status === 429) {
    const message = `Rate limit reached for gpt-4o-mini in organization ${FAKE_ORG_ID} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.`;
    return sendOpenAiError(res, 429, message, 'requests', 'requests', 'rate_limit_exceeded');
  }
  if (status === 403) return sendOpenAiError(res, 403, `Project \`${FAKE_PROJECT_ID}\` does not have access to model \`gpt-4o-mini\``, 'invalid_request_error', null, 'model_not_found');
  sendOpenAiError(res, status, "Invalid value for 'messages': the fake upstream was asked to refuse this request.", 'invalid_request_error', 'messages', 'invalid_value');
}

/** The behaviours a request asks for: the x-fake-behavior header (comma-separated), else `__fake:` markers in the body. */
function behaviorsOf(headers: IncomingHttpHeaders, body: Buffer): string[] {
  const header = headers['x-fake-behavior'];
  if (typeof header === 'string' && header) return header.split(',').map((b) => b.trim()).filter(Boolean);
  return [...body.subarray(0, 65_536).toString('latin1').matchAll(/__fake:([a-z0-9-]+)/g)].map((m) => m[1] as string);
}

function parseJson(headers: IncomingHttpHeaders, body: Buffer): unknown {
  if (!/json/i.test(headers['content-type'] ?? '') || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
// one event-loop turn between chunks, so each goes out in its own write
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
