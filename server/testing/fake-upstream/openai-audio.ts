// The audio endpoints: transcriptions and translations read a multipart upload and answer
// {text} (or text, srt, vtt, verbose_json, or a transcript SSE stream); speech streams audio bytes.
import { readUpload } from '../../proxy/demo-upstream/upload.js';
import { createHash } from 'node:crypto';
import {
  asRecord, deltas, openaiHeaders, sendJson, sendOpenAiError, sseFrame, startSse, tokens, writeChunks, type FakeContext,
} from './wire.js';

export const transcriptions = (ctx: FakeContext): Promise<void> => audioToText(ctx, 'transcribe');
export const translations = (ctx: FakeContext): Promise<void> => audioToText(ctx, 'translate');

async function audioToText(ctx: FakeContext, task: 'transcribe' | 'translate'): Promise<void> {
  const upload = await readUpload(ctx.req, ctx.body);
  if (!upload) return sendOpenAiError(ctx.res, 400, 'Could not parse multipart form', 'invalid_request_error');
  if (!upload.file) return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'file'.", 'invalid_request_error', 'file', 'missing_required_parameter');
  const model = upload.fields.model;
  if (!model) return sendOpenAiError(ctx.res, 400, 'you must provide a model parameter', 'invalid_request_error');

  const what = task === 'transcribe' ? 'transcription' : 'English translation';
  const text = `Fake ${what} of ${upload.file.filename} (${upload.file.size} bytes).`;
  const format = upload.fields.response_format ?? 'json';

  if (upload.fields.stream === 'true' && model !== 'whisper-1') {
    startSse(ctx.res, openaiHeaders());
    const frames = [...deltas(text).map((delta) => sseFrame({ type: 'transcript.text.delta', delta })), sseFrame({ type: 'transcript.text.done', text })];
    return writeChunks(ctx.res, frames, ctx.pace);
  }
  switch (format) {
    case 'text':
      return sendText(ctx, 'text/plain; charset=utf-8', `${text}\n`);
    case 'srt':
      return sendText(ctx, 'text/plain; charset=utf-8', `1\n00:00:00,000 --> 00:00:02,000\n${text}\n\n`);
    case 'vtt':
      return sendText(ctx, 'text/vtt; charset=utf-8', `WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n${text}\n\n`);
    case 'verbose_json':
      return sendJson(ctx.res, 200, {
        task, language: 'english', duration: 2.0, text,
        segments: [{ id: 0, seek: 0, start: 0, end: 2.0, text, tokens: [50364], temperature: 0, avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0.01 }],
      }, openaiHeaders());
    default:
      return sendJson(ctx.res, 200, model === 'whisper-1' ? { text } : { text, usage: { type: 'tokens', input_tokens: 20, output_tokens: tokens(text), total_tokens: 20 + tokens(text) } }, openaiHeaders());
  }
}

function sendText(ctx: FakeContext, contentType: string, text: string): void {
  ctx.res.writeHead(200, { ...openaiHeaders(), 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  ctx.res.end(text);
}

const AUDIO_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm',
};

/** POST /v1/audio/speech: deterministic audio-like bytes (every byte value occurs), chunked. */
export async function speech(ctx: FakeContext): Promise<void> {
  const body = asRecord(ctx.json);
  if (typeof body.model !== 'string') return sendOpenAiError(ctx.res, 400, 'you must provide a model parameter', 'invalid_request_error');
  if (typeof body.input !== 'string') return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'input'.", 'invalid_request_error', 'input', 'missing_required_parameter');
  const format = typeof body.response_format === 'string' ? body.response_format : 'mp3';
  const audio = fakeAudio(body.input, format);
  const chunks: Buffer[] = [];
  for (let i = 0; i < audio.length; i += 4096) chunks.push(audio.subarray(i, i + 4096));
  ctx.res.writeHead(200, { ...openaiHeaders(), 'content-type': AUDIO_TYPES[format] ?? 'audio/mpeg', 'transfer-encoding': 'chunked' });
  await writeChunks(ctx.res, chunks, ctx.pace);
}

/** The bytes speech() answers for this input: tests compare what came through the proxy with it. */
export function fakeAudio(input: string, format = 'mp3'): Buffer {
  const size = Math.max(16_384, Math.min(input.length * 256, 262_144));
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`${format}:${input}`).digest();
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  if (format === 'mp3') out.write('ID3', 0, 'latin1');
  return out;
}
