// POST /v1/messages in Anthropic's wire format: a `message` object, or with "stream": true the
// event stream message_start → content_block_* → message_delta → message_stop.
import { asRecord, deltas, fakeId, lastUserText, replyText, sendAnthropicError, sendJson, sseFrame, startSse, tokens, writeChunks, type FakeContext } from './wire.js';

export async function messages(ctx: FakeContext): Promise<void> {
  const body = asRecord(ctx.json);
  if (typeof body.model !== 'string') return sendAnthropicError(ctx.res, 400, 'invalid_request_error', 'model: Field required');
  if (typeof body.max_tokens !== 'number') return sendAnthropicError(ctx.res, 400, 'invalid_request_error', 'max_tokens: Field required');
  if (!Array.isArray(body.messages)) return sendAnthropicError(ctx.res, 400, 'invalid_request_error', 'messages: Field required');
  const prompt = lastUserText(body.messages);
  const text = replyText(prompt);
  const id = fakeId('msg_');
  const usage = { input_tokens: tokens(prompt), output_tokens: tokens(text), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const headers = { 'request-id': fakeId('req_'), 'anthropic-organization-id': 'fake-org-0000' };
  const message = (content: unknown[], stop_reason: string | null, u: Record<string, number>): Record<string, unknown> => ({
    id, type: 'message', role: 'assistant', model: body.model, content, stop_reason, stop_sequence: null, usage: u,
  });

  if (body.stream !== true) return sendJson(ctx.res, 200, message([{ type: 'text', text }], 'end_turn', usage), headers);

  const event = (type: string, fields: Record<string, unknown>): string => sseFrame({ type, ...fields }, type);
  if (ctx.failMidStream) {
    // as Anthropic documents an error after the 200: an `error` event, then the stream ends
    const partial = [
      event('message_start', { message: message([], null, { ...usage, output_tokens: 1 }) }),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ...deltas(text).slice(0, 2).map((d) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: d } })),
      event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ];
    startSse(ctx.res, headers);
    return writeChunks(ctx.res, partial, ctx.pace);
  }
  const frames = [
    event('message_start', { message: message([], null, { ...usage, output_tokens: 1 }) }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
    ...deltas(text).map((d) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: d } })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }),
    event('message_stop', {}),
  ];
  startSse(ctx.res, headers);
  await writeChunks(ctx.res, frames, ctx.pace);
}
