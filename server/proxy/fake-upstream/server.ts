// A fake OpenAI and Anthropic upstream for tests, the e2e suite and benchmarks. It speaks the real
// wire formats, checks the key it was started with (401 in each provider's error shape), and
// records what it received so tests can assert what the proxy forwarded.
//
// Test hooks, chosen per request by an `x-fake-behavior` header or by `__fake:<behavior>` anywhere
// in the body (so they also work through clients that cannot set headers):
//   error-500  a 500 in the provider's error shape        error-400  a 400 (the upstream refusing)
//   error-429  a rate-limit answer with Retry-After        hang       never answers
//   slow       streams with slowChunkMs between chunks          hold       sends the first chunk, then waits for release()
//   wait       answers (JSON or stream) only after release()
// Control API (no auth, test use only): GET /__fake/stats, POST /__fake/release.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messages } from './anthropic.js';
import { speech, transcriptions, translations } from './openai-audio.js';
import { chatCompletions } from './openai-chat.js';
import { embeddings, imageGenerations, models, moderations } from './openai-misc.js';
import { responses } from './openai-responses.js';
import { sendAnthropicError, sendJson, sendOpenAiError, type FakeHandler, type Pace } from './wire.js';

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

    const behavior = behaviorOf(req.headers, body);
    if (behavior === 'hang') return; // never answer; the record notes when the client gives up
    if (behavior?.startsWith('error-')) return sendFailure(res, Number(behavior.slice(6)), Boolean(anthropic));
    if (behavior === 'wait') await new Promise<void>((resolve) => waiting.push(resolve)); // thinking until release()

    const pace: Pace =
      behavior === 'slow' ? () => sleep(slowMs)
      : behavior === 'hold' ? (i) => (i === 1 ? new Promise<void>((resolve) => waiting.push(resolve)) : tick())
      : tick;
    await handler({ req, res, path, body, json: parseJson(req.headers, body), pace, baseUrl });
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

function sendFailure(res: ServerResponse, status: number, anthropic: boolean): void {
  if (status === 429) res.setHeader('retry-after', '1');
  if (anthropic) {
    const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return sendAnthropicError(res, status, type, `fake ${type}`);
  }
  if (status >= 500) return sendOpenAiError(res, status, 'The server had an error while processing your request. Sorry about that!', 'server_error');
  if (status === 429) return sendOpenAiError(res, 429, 'Rate limit reached for requests', 'requests', null, 'rate_limit_exceeded');
  sendOpenAiError(res, status, "Invalid value for 'messages': the fake upstream was asked to refuse this request.", 'invalid_request_error', 'messages', 'invalid_value');
}

function behaviorOf(headers: IncomingHttpHeaders, body: Buffer): string | null {
  const header = headers['x-fake-behavior'];
  if (typeof header === 'string' && header) return header;
  const found = /__fake:([a-z0-9-]+)/.exec(body.subarray(0, 65_536).toString('latin1'));
  return found?.[1] ?? null;
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
