// The demo upstream's Anthropic Messages API: a `message` object, or with "stream": true the event
// stream message_start → content_block_* → message_delta → message_stop, with usage as the real
// API reports it. `max_tokens` is required and honoured (stop_reason "max_tokens").
import { allText, asRecord, contentText, deltas, limitTokens, randomId, sendJson, sseFrame, startSse, tokens, writeChunks } from './wire.js';
import { demoReply, sendAnthropicError, type DemoContext } from './context.js';

export async function messages(ctx: DemoContext): Promise<void> {
  const body = asRecord(ctx.json);
  if (typeof body.model !== 'string') return sendAnthropicError(ctx.res, 400, 'invalid_request_error', 'model: Field required');
  if (typeof body.max_tokens !== 'number') return sendAnthropicError(ctx.res, 400, 'invalid_request_error', 'max_tokens: Field required');
  if (!Array.isArray(body.messages)) return sendAnthropicError(ctx.res, 400, 'invalid_request_error', 'messages: Field required');
  const last = [...body.messages].reverse().find((m) => asRecord(m).role === 'user');
  const { text, cut } = limitTokens(demoReply('Anthropic', ctx.keyEnv, contentText(asRecord(last).content)), body.max_tokens);
  const stop_reason = cut ? 'max_tokens' : 'end_turn';
  const id = randomId('msg_demo');
  const usage = { input_tokens: tokens(allText(body.messages, body.system)), output_tokens: tokens(text), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const headers = { 'request-id': randomId('req_demo_') };
  const message = (content: unknown[], stop: string | null, u: Record<string, number>): Record<string, unknown> => ({
    id, type: 'message', role: 'assistant', model: body.model, content, stop_reason: stop, stop_sequence: null, usage: u,
  });

  if (body.stream !== true) return sendJson(ctx.res, 200, message([{ type: 'text', text }], stop_reason, usage), headers);

  const event = (type: string, fields: Record<string, unknown>): string => sseFrame({ type, ...fields }, type);
  const frames = [
    event('message_start', { message: message([], null, { ...usage, output_tokens: 1 }) }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
    ...deltas(text).map((d) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: d } })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }),
    event('message_stop', {}),
  ];
  startSse(ctx.res, headers);
  await writeChunks(ctx.res, frames, ctx.pace);
}
