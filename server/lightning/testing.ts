// Helpers for this folder's tests: a webhook receiver, raw calls to a devnode, foreign invoices.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { issueInvoice } from './devnode/issue-invoice.js';
import { generateNodeKey } from './devnode/keys.js';

export interface ReceivedWebhook {
  body: Buffer;
  signature: string | undefined;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** every request, answered 200 or not */
  attempts(): number;
  /** status to answer with, call by call (then 200) */
  failFirst(statuses: number[]): void;
  /** the first webhook whose body mentions this text */
  waitFor(text: string, timeoutMs?: number): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  let attempts = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts += 1;
      const status = statuses.shift() ?? 200;
      if (status === 200) received.push({ body: Buffer.concat(chunks), signature: req.headers['x-phoenix-signature'] as string | undefined });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    attempts: () => attempts,
    failFirst: (s) => statuses.push(...s),
    waitFor: (text, timeoutMs = 5_000) => waitUntil(() => received.find((h) => h.body.includes(text)) ?? null, timeoutMs),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitUntil<T>(check: () => T | null | Promise<T | null>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RawAnswer {
  status: number;
  text: string;
}

/** A phoenixd-style call as any HTTP client would make it: basic auth, form body. */
export async function callNode(
  baseUrl: string,
  password: string | null,
  method: 'GET' | 'POST',
  path: string,
  form?: Record<string, string>,
): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  if (password !== null) headers.authorization = `Basic ${Buffer.from(`:${password}`).toString('base64')}`;
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const answer = await request(`${baseUrl}${path}`, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined });
  return { status: answer.statusCode, text: await answer.body.text() };
}

/** Pays an invoice through a devnode's /payinvoice and returns its JSON answer. */
export async function payThroughNode(baseUrl: string, password: string, bolt11: string, amountSat?: number): Promise<Record<string, unknown>> {
  const answer = await callNode(baseUrl, password, 'POST', '/payinvoice', { invoice: bolt11, ...(amountSat ? { amountSat: String(amountSat) } : {}) });
  if (answer.status !== 200) throw new Error(`payinvoice answered ${answer.status}: ${answer.text}`);
  return JSON.parse(answer.text) as Record<string, unknown>;
}

/** A valid regtest invoice signed by a key no devnode knows. */
export function foreignInvoice(amountMsat: bigint | null = 10_000n, expirySeconds = 3600): { bolt11: string; paymentHash: string } {
  return issueInvoice({ privateKey: generateNodeKey(), chain: 'regtest', amountMsat, description: { text: 'elsewhere' }, expirySeconds, nowMs: Date.now() });
}

/** A port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const randomPassword = (): string => randomBytes(16).toString('hex');
