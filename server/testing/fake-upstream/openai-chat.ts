// POST /v1/chat/completions in OpenAI's wire format: a `chat.completion` object, or with
// "stream": true `data: {chat.completion.chunk}` lines ending with `data: [DONE]`.
import {
  asRecord, deltas, fakeId, lastUserText, nowSeconds, openaiHeaders, replyText, sendJson, sendOpenAiError, sseFrame, startSse, tokens, writeChunks,
  type FakeContext,
} from './wire.js';

const FINGERPRINT = 'fp_fake0001';

export async function chatCompletions(ctx: FakeContext): Promise<void> {
  const body = asRecord(ctx.json);
  if (typeof body.model !== 'string') return sendOpenAiError(ctx.res, 400, 'you must provide a model parameter', 'invalid_request_error');
  if (!Array.isArray(body.messages)) {
    return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter');
  }
  const prompt = lastUserText(body.messages);
  const text = replyText(prompt);
  const id = fakeId('chatcmpl-');
  const created = nowSeconds();
  const usage = usageOf(prompt, text);

  if (body.stream !== true) {
    return sendJson(ctx.res, 200, {
      id, object: 'chat.completion', created, model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage, service_tier: 'default', system_fingerprint: FINGERPRINT,
    }, openaiHeaders());
  }

  const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
    sseFrame({ id, object: 'chat.completion.chunk', created, model: body.model, service_tier: 'default', system_fingerprint: FINGERPRINT,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const frames = [
    chunk({ role: 'assistant', content: '', refusal: null }, null),
    ...deltas(text).map((d) => chunk({ content: d }, null)),
    chunk({}, 'stop'),
  ];
  if (asRecord(body.stream_options).include_usage === true) {
    frames.push(sseFrame({ id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: FINGERPRINT, choices: [], usage }));
  }
  frames.push(sseFrame('[DONE]'));
  startSse(ctx.res, openaiHeaders());
  await writeChunks(ctx.res, frames, ctx.pace);
}

function usageOf(prompt: string, text: string): Record<string, unknown> {
  const prompt_tokens = tokens(prompt);
  const completion_tokens = tokens(text);
  return {
    prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}
