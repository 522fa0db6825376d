// The real webhook sender: one POST, no redirects followed, 10 seconds for the answer.
import { request } from 'undici';
import type { WebhookSender } from './webhooks.js';

const TIMEOUT_MS = 10_000;

export const httpWebhookSender: WebhookSender = async (url, body, headers) => {
  const res = await request(url, { method: 'POST', body, headers, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  await res.body.dump();
  return res.statusCode;
};
