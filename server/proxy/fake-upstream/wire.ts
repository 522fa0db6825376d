// Small wire helpers shared by the fake upstream's handlers: JSON and error answers in each
// provider's shape, and chunked writes paced by the test hooks.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** Awaited before chunk `index` (> 0) of a streamed answer: normal, slow, or held by a test. */
export type Pace = (index: number) => Promise<void>;

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
}

export type FakeHandler = (ctx: FakeContext) => void | Promise<void>;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export const fakeId = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;

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

/** Writes the chunks one by one (separate writes, separate TCP sends), awaiting `pace` between them. */
export async function writeChunks(res: ServerResponse, chunks: readonly (string | Buffer)[], pace: Pace): Promise<void> {
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await pace(i);
    if (res.destroyed) return; // the client left: stop generating, as the real API does
    res.write(chunk);
  }
  res.end();
}

export function startSse(res: ServerResponse, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

/** One SSE frame: `event:` only when named (OpenAI chat sends bare `data:` lines). */
export const sseFrame = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** A deterministic reply so tests can assert on it. */
export function replyText(prompt: string): string {
  const words = prompt.trim().split(/\s+/).filter(Boolean).slice(0, 12).join(' ');
  return `This is a fake reply to: ${words || '(nothing)'}`;
}

/** Splits a reply into word-sized deltas, the way real streams arrive. */
export function deltas(text: string): string[] {
  return text.split(/(?<= )/);
}

/** Roughly OpenAI's rule of thumb: a token is about four characters. */
export const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

export function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The text of the last user turn in a chat-style message list. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = asRecord(messages[i]);
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) return m.content.map((p) => asRecord(p).text).filter((t) => typeof t === 'string').join(' ');
  }
  return '';
}
