// POST /v1/responses in the Responses API format: a `response` object, or with "stream": true
// typed events (`event: response.created` ... `response.completed`, each with sequence_number).
import {
  asRecord, deltas, fakeId, lastUserText, nowSeconds, openaiHeaders, replyText, sendJson, sendOpenAiError, sseFrame, startSse, tokens, writeChunks,
  type FakeContext,
} from './wire.js';

export async function responses(ctx: FakeContext): Promise<void> {
  const body = asRecord(ctx.json);
  if (typeof body.model !== 'string') return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'model'.", 'invalid_request_error', 'model', 'missing_required_parameter');
  const prompt = typeof body.input === 'string' ? body.input : lastUserText(body.input);
  const text = replyText(prompt);
  const id = fakeId('resp_');
  const messageId = fakeId('msg_');
  const created_at = nowSeconds();
  const usage = {
    input_tokens: tokens(prompt), input_tokens_details: { cached_tokens: 0 },
    output_tokens: tokens(text), output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: tokens(prompt) + tokens(text),
  };
  const part = { type: 'output_text', text, annotations: [], logprobs: [] };
  const message = { id: messageId, type: 'message', status: 'completed', role: 'assistant', content: [part] };
  const response = (status: string, output: unknown[], withUsage: boolean): Record<string, unknown> => ({
    id, object: 'response', created_at, status, error: null, incomplete_details: null,
    instructions: body.instructions ?? null, max_output_tokens: body.max_output_tokens ?? null, model: body.model,
    output, parallel_tool_calls: true, previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null }, store: body.store ?? true, temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } }, tool_choice: 'auto', tools: [], top_p: body.top_p ?? 1, truncation: 'disabled',
    usage: withUsage ? usage : null, user: null, metadata: asRecord(body.metadata),
  });

  if (body.stream !== true) return sendJson(ctx.res, 200, response('completed', [message], true), openaiHeaders());

  let sequence_number = 0;
  const event = (type: string, fields: Record<string, unknown>): string => sseFrame({ type, sequence_number: sequence_number++, ...fields }, type);
  const at = { output_index: 0, item_id: messageId, content_index: 0 };
  const frames = [
    event('response.created', { response: response('in_progress', [], false) }),
    event('response.in_progress', { response: response('in_progress', [], false) }),
    event('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }),
    event('response.content_part.added', { ...at, part: { ...part, text: '' } }),
    ...deltas(text).map((delta) => event('response.output_text.delta', { ...at, delta, logprobs: [] })),
    event('response.output_text.done', { ...at, text, logprobs: [] }),
    event('response.content_part.done', { ...at, part }),
    event('response.output_item.done', { output_index: 0, item: message }),
    event('response.completed', { response: response('completed', [message], true) }),
  ];
  startSse(ctx.res, openaiHeaders());
  await writeChunks(ctx.res, frames, ctx.pace);
}
