// Embeddings (float or base64 vectors, as the official SDKs ask), image generation, moderations
// and the models list, in OpenAI's wire format.
import { PNG_1X1, unitVector } from '../../proxy/demo-upstream/wire.js';
import { asRecord, FAKE_ORG_ID, fakeId, nowSeconds, openaiHeaders, sendJson, sendOpenAiError, tokens, type FakeContext } from './wire.js';

const DIMENSIONS: Record<string, number> = { 'text-embedding-3-small': 1536, 'text-embedding-3-large': 3072, 'text-embedding-ada-002': 1536 };

export function embeddings(ctx: FakeContext): void {
  const body = asRecord(ctx.json);
  if (typeof body.model !== 'string') return sendOpenAiError(ctx.res, 400, 'you must provide a model parameter', 'invalid_request_error');
  const inputs = embeddingInputs(body.input);
  if (!inputs) return sendOpenAiError(ctx.res, 400, "'input' : input must be a string or an array of strings", 'invalid_request_error', 'input');
  const dims = typeof body.dimensions === 'number' ? body.dimensions : DIMENSIONS[body.model] ?? 1536;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = fakeVector(text, dims);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector) };
  });
  const prompt_tokens = inputs.reduce((n, t) => n + tokens(t), 0);
  sendJson(ctx.res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens, total_tokens: prompt_tokens } }, openaiHeaders());
}

/** The inputs as texts: a string, strings, a token array, or token arrays. */
function embeddingInputs(input: unknown): string[] | null {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((x) => typeof x === 'number')) return [input.join(' ')];
  if (input.every((x) => typeof x === 'string' || Array.isArray(x))) return input.map((x) => (Array.isArray(x) ? x.join(' ') : (x as string)));
  return null;
}

/** A deterministic unit vector for a text (little-endian float32, as the base64 format carries). */
export const fakeVector = unitVector;


export function imageGenerations(ctx: FakeContext): void {
  const body = asRecord(ctx.json);
  if (typeof body.prompt !== 'string') return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'prompt'.", 'invalid_request_error', 'prompt', 'missing_required_parameter');
  const model = typeof body.model === 'string' ? body.model : 'dall-e-2';
  const created = nowSeconds();
  if (model.startsWith('gpt-image')) {
    return sendJson(ctx.res, 200, {
      created, background: 'opaque', output_format: 'png', quality: 'medium', size: '1024x1024',
      data: [{ b64_json: PNG_1X1 }],
      usage: { input_tokens: tokens(body.prompt), output_tokens: 1056, total_tokens: tokens(body.prompt) + 1056, input_tokens_details: { text_tokens: tokens(body.prompt), image_tokens: 0 } },
    }, openaiHeaders());
  }
  const image = body.response_format === 'b64_json' ? { b64_json: PNG_1X1 } : { url: `${ctx.baseUrl}/__fake/images/${fakeId('img-')}.png` };
  const revised = model === 'dall-e-3' ? { revised_prompt: `A detailed rendering of: ${body.prompt}` } : {};
  sendJson(ctx.res, 200, { created, data: [{ ...image, ...revised }] }, openaiHeaders());
}

const CATEGORIES = [
  'harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent', 'self-harm',
  'self-harm/intent', 'self-harm/instructions', 'sexual', 'sexual/minors', 'violence', 'violence/graphic',
];

export function moderations(ctx: FakeContext): void {
  const body = asRecord(ctx.json);
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : null;
  if (!inputs) return sendOpenAiError(ctx.res, 400, "Missing required parameter: 'input'.", 'invalid_request_error', 'input', 'missing_required_parameter');
  const results = inputs.map((input) => {
    const flagged = JSON.stringify(input).includes('__flag');
    return {
      flagged,
      categories: Object.fromEntries(CATEGORIES.map((c) => [c, flagged && c === 'violence'])),
      category_scores: Object.fromEntries(CATEGORIES.map((c) => [c, flagged && c === 'violence' ? 0.97 : 0.0001])),
      category_applied_input_types: Object.fromEntries(CATEGORIES.map((c) => [c, ['text']])),
    };
  });
  sendJson(ctx.res, 200, { id: fakeId('modr-'), model: typeof body.model === 'string' ? body.model : 'omni-moderation-latest', results }, openaiHeaders());
}

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini', 'text-embedding-3-small', 'tts-1', 'whisper-1', 'dall-e-3', 'omni-moderation-latest'];

/** A fine-tuned model: OpenAI lists it to the key's organisation, owned by that organisation's id. */
const FINE_TUNED = { id: 'ft:gpt-4o-mini-2024-07-18:fake-org::Ab12Cd34', object: 'model', created: 1_720_000_000, owned_by: FAKE_ORG_ID };

export function models(ctx: FakeContext): void {
  sendJson(ctx.res, 200, { object: 'list', data: [...MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })), FINE_TUNED] }, openaiHeaders());
}
