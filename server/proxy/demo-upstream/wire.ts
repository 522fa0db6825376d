// Wire helpers for speaking OpenAI's and Anthropic's formats from a local HTTP server: JSON answers,
// server-sent events written chunk by chunk, rough token counts, the text of a chat turn. Used by
// the built-in demo upstream (development mode) and shared with the test fake in ../fake-upstream.
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Awaited before chunk `index` (> 0) of a streamed answer. */
export type Pace = (index: number) => Promise<void>;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export const randomId = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
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

/** Splits a reply into word-sized deltas, the way real streams arrive. */
export function deltas(text: string): string[] {
  return text.split(/(?<= )/);
}

/** Roughly OpenAI's rule of thumb: a token is about four characters. */
export const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** The text cut to about `maxTokens` tokens; `cut` says whether anything was dropped. */
export function limitTokens(text: string, maxTokens: number | undefined): { text: string; cut: boolean } {
  if (maxTokens === undefined || tokens(text) <= maxTokens) return { text, cut: false };
  return { text: text.slice(0, Math.max(1, maxTokens * 4)), cut: true };
}

export function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The text of one chat message's content: a string, or the text parts of a list. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => asRecord(p).text).filter((t) => typeof t === 'string').join(' ');
  return '';
}

/** The text of the last user turn in a chat-style message list. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = asRecord(messages[i]);
    if (m.role === 'user') return contentText(m.content);
  }
  return '';
}

/** Every turn's text (and a system prompt), for counting input tokens. */
export function allText(messages: unknown, system?: unknown): string {
  const turns = Array.isArray(messages) ? messages.map((m) => contentText(asRecord(m).content)) : [];
  return [contentText(system), ...turns].join('\n');
}

/** A deterministic unit vector for a text (little-endian float32, as the base64 format carries). */
export function unitVector(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  let seed = createHash('sha256').update(text).digest();
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    if (i % 32 === 0 && i > 0) seed = createHash('sha256').update(seed).digest();
    const x = ((seed[i % 32] as number) - 127.5) / 127.5;
    v[i] = x;
    norm += x * x;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dims; i++) v[i] = (v[i] as number) * scale;
  return v;
}

/** A 1×1 transparent PNG, base64. */
export const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
