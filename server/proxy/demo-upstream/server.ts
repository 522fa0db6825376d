// The built-in demo upstream: a small HTTP server on a loopback port that answers in OpenAI's and
// Anthropic's wire formats, under one path prefix per API (/openai/v1/chat/completions, ...). It
// takes only the random key the server gave it at start, so nothing else on the machine can use it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messages } from './anthropic.js';
import { sendAnthropicError, sendOpenAiError, type DemoHandler } from './context.js';
import { chatCompletions, embeddings, imageGenerations, models, moderations, responses, speech, transcriptions, translations } from './openai.js';

export type DemoFlavour = 'openai' | 'anthropic';

const HANDLERS: Record<DemoFlavour, Record<string, DemoHandler>> = {
  openai: {
    'POST /v1/chat/completions': chatCompletions,
    'POST /v1/responses': responses,
    'POST /v1/embeddings': embeddings,
    'POST /v1/moderations': moderations,
    'POST /v1/images/generations': imageGenerations,
    'POST /v1/audio/speech': speech,
    'POST /v1/audio/transcriptions': transcriptions,
    'POST /v1/audio/translations': translations,
    'GET /v1/models': models,
  },
  anthropic: { 'POST /v1/messages': messages },
};

export interface DemoApi {
  /** the catalog's API name: its path prefix here */
  name: string;
  flavour: DemoFlavour;
  /** the header carrying the key, and its value, as the proxy sends them (config's upstream.auth) */
  authHeader: string;
  authValue: string;
  /** the variable that would hold the real key, named in the answers */
  keyEnv: string;
  models: readonly string[];
}

export interface RunningDemoUpstream {
  url: string;
  close(): Promise<void>;
}

export async function startDemoUpstream(apis: readonly DemoApi[]): Promise<RunningDemoUpstream> {
  const byName = new Map(apis.map((a) => [a.name, a]));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const [, name = '', ...rest] = path.split('/');
    const api = byName.get(name);
    const fail = api?.flavour === 'anthropic' ? (s: number, m: string) => sendAnthropicError(res, s, s === 401 ? 'authentication_error' : 'not_found_error', m) : (s: number, m: string) => sendOpenAiError(res, s, m, 'invalid_request_error');
    if (!api) return fail(404, `No demo API at ${path}.`);
    if (!sameSecret(req.headers[api.authHeader], api.authValue)) return fail(401, 'This demo upstream answers only the server that started it.');
    const handler = HANDLERS[api.flavour][`${req.method} /${rest.join('/')}`];
    if (!handler) return fail(404, `The demo upstream does not offer ${req.method} /${rest.join('/')}.`);
    await handler({ req, res, body, json: parseJson(req.headers, body), pace: tick, keyEnv: api.keyEnv, models: api.models });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendOpenAiError(res, 500, 'The demo upstream failed.', 'server_error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
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

// one event-loop turn between chunks, so each goes out in its own write
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
