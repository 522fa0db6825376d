// The demo upstream's OpenAI endpoints, in OpenAI's wire format: chat completions and responses
// (JSON, or server-sent events with usage), embeddings, moderations, images, speech,
// transcriptions and translations, and the models list. Every answer says it is a demo.
import { readUpload } from './upload.js';
import {
  allText, asRecord, contentText, deltas, limitTokens, nowSeconds, PNG_1X1, randomId, sendJson, sseFrame, startSse, tokens, unitVector, writeChunks,
} from './wire.js';
import { demoReply, sendOpenAiError, type DemoContext } from './context.js';

const FINGERPRINT = 'fp_abl_demo';

const headers = (): Record<string, string> => ({ 'openai-processing-ms': '1', 'x-request-id': randomId('req_demo_') });

function modelOf(ctx: DemoContext, body: Record<string, unknown>): string | null {
  if (typeof body.model === 'string') return body.model;
  sendOpenAiError(ctx.res, 400, 'you must provide a model parameter', 'invalid_request_error', 'model');
  return null;
}

const intOrUndefined = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

export async function chatCompletions(ctx: DemoContext): Promise<void> {
  const body = asRecord(ctx.json);
  const model = modelOf(ctx, body);
  if (model === null) return;
  if (!Array.isArray(body.messages)) {
    return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter');
  }
  const { text, cut } = limitTokens(demoReply('OpenAI', ctx.keyEnv, contentText(lastUser(body.messages))), intOrUndefined(body.max_completion_tokens) ?? intOrUndefined(body.max_tokens));
  const finish = cut ? 'length' : 'stop';
  const id = randomId('chatcmpl-demo');
  const created = nowSeconds();
  const prompt_tokens = tokens(allText(body.messages));
  const completion_tokens = tokens(text);
  const usage = {
    prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };

  if (body.stream !== true) {
    return sendJson(ctx.res, 200, {
      id, object: 'chat.completion', created, model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: finish }],
      usage, service_tier: 'default', system_fingerprint: FINGERPRINT,
    }, headers());
  }

  const chunk = (delta: Record<string, unknown>, finishReason: string | null): string =>
    sseFrame({ id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: FINGERPRINT,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  const frames = [chunk({ role: 'assistant', content: '', refusal: null }, null), ...deltas(text).map((d) => chunk({ content: d }, null)), chunk({}, finish)];
  if (asRecord(body.stream_options).include_usage === true) {
    frames.push(sseFrame({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: FINGERPRINT, choices: [], usage }));
  }
  frames.push(sseFrame('[DONE]'));
  startSse(ctx.res, headers());
  await writeChunks(ctx.res, frames, ctx.pace);
}

function lastUser(messages: unknown): unknown {
  const list = Array.isArray(messages) ? messages : [];
  for (let i = list.length - 1; i >= 0; i--) if (asRecord(list[i]).role === 'user') return asRecord(list[i]).content;
  return '';
}

export async function responses(ctx: DemoContext): Promise<void> {
  const body = asRecord(ctx.json);
  const model = modelOf(ctx, body);
  if (model === null) return;
  const input = typeof body.input === 'string' ? body.input : allText(body.input);
  const prompt = typeof body.input === 'string' ? body.input : contentText(lastUser(body.input));
  const { text, cut } = limitTokens(demoReply('OpenAI', ctx.keyEnv, prompt), intOrUndefined(body.max_output_tokens));
  const id = randomId('resp_demo');
  const messageId = randomId('msg_demo');
  const created_at = nowSeconds();
  const input_tokens = tokens(`${contentText(body.instructions)}\n${input}`);
  const usage = {
    input_tokens, input_tokens_details: { cached_tokens: 0 },
    output_tokens: tokens(text), output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input_tokens + tokens(text),
  };
  const part = { type: 'output_text', text, annotations: [], logprobs: [] };
  const message = { id: messageId, type: 'message', status: 'completed', role: 'assistant', content: [part] };
  const done = cut ? 'incomplete' : 'completed';
  const response = (status: string, output: unknown[], withUsage: boolean): Record<string, unknown> => ({
    id, object: 'response', created_at, status, error: null, incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null, max_output_tokens: body.max_output_tokens ?? null, model,
    output, parallel_tool_calls: true, previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null }, store: body.store ?? true, temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } }, tool_choice: 'auto', tools: [], top_p: body.top_p ?? 1, truncation: 'disabled',
    usage: withUsage ? usage : null, user: null, metadata: asRecord(body.metadata),
  });

  if (body.stream !== true) return sendJson(ctx.res, 200, response(done, [message], true), headers());

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
    event(cut ? 'response.incomplete' : 'response.completed', { response: response(done, [message], true) }),
  ];
  startSse(ctx.res, headers());
  await writeChunks(ctx.res, frames, ctx.pace);
}

const DIMENSIONS: Record<string, number> = { 'text-embedding-3-small': 1536, 'text-embedding-3-large': 3072, 'text-embedding-ada-002': 1536 };

export function embeddings(ctx: DemoContext): void {
  const body = asRecord(ctx.json);
  const model = modelOf(ctx, body);
  if (model === null) return;
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) && body.input.length > 0 ? body.input.map((x) => (Array.isArray(x) ? x.join(' ') : String(x))) : null;
  if (!inputs) return sendOpenAiError(ctx.res, 400, "'input' : input must be a string or an array of strings", 'invalid_request_error', 'input');
  const dims = intOrUndefined(body.dimensions) ?? DIMENSIONS[model] ?? 1536;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = unitVector(text, dims);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector) };
  });
  const prompt_tokens = inputs.reduce((n, t) => n + tokens(t), 0);
  sendJson(ctx.res, 200, { object: 'list', data, model, usage: { prompt_tokens, total_tokens: prompt_tokens } }, headers());
}

const CATEGORIES = ['harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent', 'self-harm', 'self-harm/intent', 'self-harm/instructions', 'sexual', 'sexual/minors', 'violence', 'violence/graphic'];

/** Nothing is ever flagged: the demo judges nothing. */
export function moderations(ctx: DemoContext): void {
  const body = asRecord(ctx.json);
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : null;
  if (!inputs) return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'input'.", 'invalid_request_error', 'input', 'missing_required_parameter');
  const results = inputs.map(() => ({
    flagged: false,
    categories: Object.fromEntries(CATEGORIES.map((c) => [c, false])),
    category_scores: Object.fromEntries(CATEGORIES.map((c) => [c, 0])),
    category_applied_input_types: Object.fromEntries(CATEGORIES.map((c) => [c, ['text']])),
  }));
  sendJson(ctx.res, 200, { id: randomId('modr-demo'), model: typeof body.model === 'string' ? body.model : 'omni-moderation-latest', results }, headers());
}

/** A 1×1 transparent picture, as base64 or a data: URL (the demo's own port is not the client's to reach). */
export function imageGenerations(ctx: DemoContext): void {
  const body = asRecord(ctx.json);
  if (typeof body.prompt !== 'string') return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'prompt'.", 'invalid_request_error', 'prompt', 'missing_required_parameter');
  const model = typeof body.model === 'string' ? body.model : 'dall-e-2';
  const created = nowSeconds();
  const revised_prompt = `[demo] No image model was called (${ctx.keyEnv} is not set): this is a 1×1 transparent placeholder for "${body.prompt.slice(0, 200)}".`;
  if (model.startsWith('gpt-image')) {
    const input = tokens(body.prompt);
    return sendJson(ctx.res, 200, {
      created, background: 'transparent', output_format: 'png', quality: 'low', size: '1024x1024', data: [{ b64_json: PNG_1X1, revised_prompt }],
      usage: { input_tokens: input, output_tokens: 0, total_tokens: input, input_tokens_details: { text_tokens: input, image_tokens: 0 } },
    }, headers());
  }
  const image = body.response_format === 'b64_json' ? { b64_json: PNG_1X1 } : { url: `data:image/png;base64,${PNG_1X1}` };
  sendJson(ctx.res, 200, { created, data: [{ ...image, revised_prompt }] }, headers());
}

/** Half a second of silence in the asked format (WAV for formats the demo cannot encode). */
export async function speech(ctx: DemoContext): Promise<void> {
  const body = asRecord(ctx.json);
  if (modelOf(ctx, body) === null) return;
  if (typeof body.input !== 'string') return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'input'.", 'invalid_request_error', 'input', 'missing_required_parameter');
  const format = body.response_format === 'pcm' ? 'pcm' : body.response_format === 'mp3' || body.response_format === undefined ? 'mp3' : 'wav';
  const audio = format === 'mp3' ? silentMp3() : format === 'pcm' ? Buffer.alloc(12_000) : silentWav();
  const type = format === 'mp3' ? 'audio/mpeg' : format === 'pcm' ? 'audio/pcm' : 'audio/wav';
  ctx.res.writeHead(200, { ...headers(), 'content-type': type, 'transfer-encoding': 'chunked' });
  const chunks: Buffer[] = [];
  for (let i = 0; i < audio.length; i += 4096) chunks.push(audio.subarray(i, i + 4096));
  await writeChunks(ctx.res, chunks, ctx.pace);
}

/** 0.5 s of 16-bit mono silence at 24 kHz, as OpenAI's speech answers are sampled. */
function silentWav(): Buffer {
  const data = 12_000 * 2;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(24_000, 24);
  h.writeUInt32LE(48_000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data, 40);
  return Buffer.concat([h, Buffer.alloc(data)]);
}

/** About half a second of MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz) that decode to silence. */
function silentMp3(): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc4]); // sync, MPEG-1 L3 no CRC, 128 kbit/s, 44.1 kHz, mono
  return Buffer.concat(Array.from({ length: 20 }, () => frame));
}

export const transcriptions = (ctx: DemoContext): Promise<void> => audioToText(ctx, 'transcription');
export const translations = (ctx: DemoContext): Promise<void> => audioToText(ctx, 'translation');

async function audioToText(ctx: DemoContext, what: 'transcription' | 'translation'): Promise<void> {
  const upload = await readUpload(ctx.req, ctx.body);
  if (!upload) return sendOpenAiError(ctx.res, 400, 'Could not parse multipart form', 'invalid_request_error');
  if (!upload.file) return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'file'.", 'invalid_request_error', 'file', 'missing_required_parameter');
  const model = upload.fields.model;
  if (!model) return sendOpenAiError(ctx.res, 400, 'you must provide a model parameter', 'invalid_request_error', 'model');
  const text = `[demo] This is a demo ${what} of ${upload.file.filename} (${upload.file.size} bytes): no speech model was called (${ctx.keyEnv} is not set).`;
  const format = upload.fields.response_format ?? 'json';
  const plain = (contentType: string, t: string): void => {
    ctx.res.writeHead(200, { ...headers(), 'content-type': contentType, 'content-length': Buffer.byteLength(t) });
    ctx.res.end(t);
  };
  if (upload.fields.stream === 'true' && model !== 'whisper-1') {
    startSse(ctx.res, headers());
    const frames = [...deltas(text).map((delta) => sseFrame({ type: 'transcript.text.delta', delta })), sseFrame({ type: 'transcript.text.done', text })];
    return writeChunks(ctx.res, frames, ctx.pace);
  }
  switch (format) {
    case 'text':
      return plain('text/plain; charset=utf-8', `${text}\n`);
    case 'srt':
      return plain('text/plain; charset=utf-8', `1\n00:00:00,000 --> 00:00:02,000\n${text}\n\n`);
    case 'vtt':
      return plain('text/vtt; charset=utf-8', `WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n${text}\n\n`);
    case 'verbose_json':
      return sendJson(ctx.res, 200, { task: what === 'transcription' ? 'transcribe' : 'translate', language: 'english', duration: 2.0, text, segments: [] }, headers());
    default:
      return sendJson(ctx.res, 200, model === 'whisper-1' ? { text } : { text, usage: { type: 'tokens', input_tokens: 20, output_tokens: tokens(text), total_tokens: 20 + tokens(text) } }, headers());
  }
}

export function models(ctx: DemoContext): void {
  const data = ctx.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'alittlebitofmoney-demo' }));
  sendJson(ctx.res, 200, { object: 'list', data }, headers());
}
