// What a demo handler gets, the demo's answer text, and errors in each provider's shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomId, sendJson, type Pace } from './wire.js';

export interface DemoContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: unknown;
  pace: Pace;
  /** the environment variable that would hold the real key, named in the answers */
  keyEnv: string;
  /** the models the catalog prices for this API (the models list) */
  models: readonly string[];
}

export type DemoHandler = (ctx: DemoContext) => void | Promise<void>;

/** Says plainly that no model was called, and echoes the start of the prompt. */
export function demoReply(provider: string, keyEnv: string, prompt: string): string {
  const words = prompt.trim().split(/\s+/).filter(Boolean).slice(0, 12).join(' ');
  return (
    `[demo] This is a demo answer from alittlebitofmoney's built-in demo upstream: no ${provider} model was called, ` +
    `because this development server has no ${keyEnv}. You said: "${words || '(nothing)'}". ` +
    `Set ${keyEnv} to get real answers.`
  );
}

export function sendOpenAiError(res: ServerResponse, status: number, message: string, type: string, param: string | null = null, code: string | null = null): void {
  sendJson(res, status, { error: { message: `[demo] ${message}`, type, param, code } }, { 'x-request-id': randomId('req_demo_') });
}

export function sendAnthropicError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { type: 'error', error: { type, message: `[demo] ${message}` } }, { 'request-id': randomId('req_demo_') });
}
