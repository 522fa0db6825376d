// Small wire helpers of the fake upstream's handlers: error answers in each provider's shape with
// the headers the real APIs send, and the fake's deterministic reply. The generic ones (JSON,
// SSE, chunked writes, token counts) are the built-in demo upstream's, shared.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { randomId, type Pace } from '../../proxy/demo-upstream/wire.js';

export { asRecord, deltas, lastUserText, nowSeconds, sseFrame, startSse, tokens, writeChunks, type Pace } from '../../proxy/demo-upstream/wire.js';

export interface FakeContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** path without the query string */
  path: string;
  body: Buffer;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: unknown;
  pace: Pace;
  /** the fake's own base URL, e.g. for image URLs */
  baseUrl: string;
  /** a stream ends after two deltas with the provider's in-stream error (Anthropic's overloaded_error event, OpenAI's `data: {"error": …}`) */
  failMidStream?: boolean;
}

export type FakeHandler = (ctx: FakeContext) => void | Promise<void>;

export const fakeId = randomId;

/** The operator's account ids as the fake's OpenAI errors quote them (the proxy must never show them). */
export const FAKE_ORG_ID = 'org-FAKE0rgan1zat10nId00000';
export const FAKE_PROJECT_ID = 'proj_FAKEpr0jectId0000000000';

/** Headers the real OpenAI API sends; the proxy must strip the cookie, HSTS, Alt-Svc and org id. */
export function openaiHeaders(processingMs = 12): Record<string, string | string[]> {
  return {
    'openai-organization': 'user-fakeorganization',
    'openai-project': FAKE_PROJECT_ID,
    'openai-processing-ms': String(processingMs),
    'openai-version': '2020-10-01',
    'x-request-id': fakeId('req_'),
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    'alt-svc': 'h3=":443"; ma=86400',
    'set-cookie': ['__cf_bm=fake; path=/; HttpOnly; Secure; SameSite=None', '_cfuvid=fake; path=/; HttpOnly; Secure'],
  };
}

const GZIP = Symbol('gzip');

/** The next JSON answer on `res` goes out gzip-compressed (Content-Encoding: gzip). */
export function compressJson(res: ServerResponse): void {
  (res as ServerResponse & { [GZIP]?: boolean })[GZIP] = true;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = Buffer.from(JSON.stringify(body));
  const bytes = (res as ServerResponse & { [GZIP]?: boolean })[GZIP] ? gzipSync(text) : null;
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': (bytes ?? text).length, ...(bytes ? { 'content-encoding': 'gzip' } : {}) });
  res.end(bytes ?? text);
}

export function sendOpenAiError(res: ServerResponse, status: number, message: string, type: string, param: string | null = null, code: string | null = null): void {
  sendJson(res, status, { error: { message, type, param, code } }, openaiHeaders());
}

export function sendAnthropicError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { type: 'error', error: { type, message } }, { 'request-id': fakeId('req_') });
}

/** A deterministic reply so tests can assert on it. */
export function replyText(prompt: string): string {
  const words = prompt.trim().split(/\s+/).filter(Boolean).slice(0, 12).join(' ');
  return `This is a fake reply to: ${words || '(nothing)'}`;
}
