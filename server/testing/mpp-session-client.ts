// The MPP Lightning session draft's client side, for tests: pick a `Payment` challenge of one
// intent from a 402, build the `Authorization: Payment` credential that echoes it, read a
// Payment-Receipt, and read an OpenAI chat stream with the draft's named events. Also a catalog
// whose gpt-4o-mini chat is dear enough that a short answer outruns a small session.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { canonicalJson, encodeBase64Url } from '../wire/codec.js';
import { flattenPrices } from './flat-prices.js';

export type Challenge = { id: string; realm: string; method: string; intent: string; request: string; expires?: string };
type Headers = Record<string, string | string[] | undefined>;

/** gpt-4o-mini's chat price in the dear catalog: 0.1 sat an input token, 1 sat an output token */
export const DEAR_CHAT_PRICE = { call_sats: 0, input_sats_per_mtok: 100_000, cached_input_sats_per_mtok: 100_000, output_sats_per_mtok: 1_000_000, max_output_tokens: 16384, max_input_tokens: 128000 };

/** The flat-priced catalog (embeddings 5 sats a call) with gpt-4o-mini's chat metered at DEAR_CHAT_PRICE, as a file. */
export function writeDearChatConfig(): { path: string; remove(): void } {
  const doc = flattenPrices(YAML.parse(readFileSync(fileURLToPath(new URL('../../config.yaml', import.meta.url)), 'utf8')));
  const chat = doc.apis.find((a: { name: string }) => a.name === 'openai').endpoints.find((e: { path: string }) => e.path === '/v1/chat/completions');
  chat.price.models['gpt-4o-mini'] = DEAR_CHAT_PRICE;
  const dir = mkdtempSync(join(tmpdir(), 'abl-session-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, YAML.stringify(doc));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The contract's formula at DEAR_CHAT_PRICE, computed here: ceil(Σ tokens · sats_per_mtok / 1000) msat. */
export const dearChatMsat = (u: { input_tokens: number; cached_input_tokens: number; output_tokens: number }): bigint =>
  (BigInt(u.input_tokens) * 100_000_000n + BigInt(u.cached_input_tokens) * 100_000_000n + BigInt(u.output_tokens) * 1_000_000_000n + 999_999n) / 1_000_000n;

/** The `Payment` challenge of one intent among a 402's WWW-Authenticate lines. */
export function challengeOf(h: Headers, intent: 'charge' | 'session'): Challenge {
  const line = [h['www-authenticate']].flat().find((l) => l?.startsWith('Payment ') && l.includes(`intent="${intent}"`))!;
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1];
  const c: Challenge = { id: param('id')!, realm: param('realm')!, method: param('method')!, intent: param('intent')!, request: param('request')! };
  const expires = param('expires');
  return expires ? { ...c, expires } : c;
}

/** `Payment <base64url of canonical JSON {challenge, payload}>`, as the draft builds it. */
export const credential = (challenge: Challenge, payload: Record<string, string>): string => `Payment ${encodeBase64Url(canonicalJson({ challenge, payload }))}`;

export const receiptOf = (h: Headers): any => JSON.parse(Buffer.from(String(h['payment-receipt']), 'base64url').toString('utf8'));

/** The text an OpenAI chat stream delivered, its named events (the session draft's), and whether [DONE] came. */
export function readChatSse(raw: string): { text: string; events: Array<{ event: string; data: any }>; done: boolean } {
  let text = '';
  const events: Array<{ event: string; data: any }> = [];
  let done = false;
  for (const block of raw.split('\n\n')) {
    const event = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (data === undefined) continue;
    if (event) events.push({ event, data: JSON.parse(data) });
    else if (data === '[DONE]') done = true;
    else text += JSON.parse(data).choices?.[0]?.delta?.content ?? '';
  }
  return { text, events, done };
}
