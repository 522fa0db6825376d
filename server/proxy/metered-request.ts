// A metered request before forwarding: the most it can cost (its ceiling) and the body the
// upstream gets — with the output limit the ceiling assumed, and usage asked for in streams, so
// that what is charged can never exceed what was reserved. Pure.
import type { MeteredModelPrice, UsageShape } from '../../contract/catalog.js';
import { AppError } from '../errors.js';
import { ceilingMsat, inputTokensBound, likelyInputTokens, type MeteredPrice } from '../metering/index.js';
import { isPlainObject } from './body.js';
import { prependJsonKeys } from './json-splice.js';

/** The body fields that cap a shape's output, the first being the one sent when none is. */
const OUTPUT_FIELDS: Record<UsageShape, readonly string[]> = {
  'openai-chat': ['max_completion_tokens', 'max_tokens'],
  'openai-responses': ['max_output_tokens'],
  'anthropic-messages': ['max_tokens'],
  'openai-embeddings': [],
};

export interface MeteredRequest {
  shape: UsageShape;
  model: string;
  price: MeteredPrice;
  ceilingMsat: bigint;
  inputTokensBound: number;
  outputLimit: number;
  /** the answer comes as server-sent events */
  streamed: boolean;
  /** the proxy asked the upstream for the stream's usage event, not the client: it is not passed on */
  usageNotAsked: boolean;
  /** what is forwarded: the client's bytes, plus the output limit and stream usage when missing */
  body: Buffer;
}

export async function meteredRequest(p: { shape: UsageShape; model: string; price: MeteredModelPrice; body: unknown; raw: Buffer }): Promise<MeteredRequest> {
  const body = isPlainObject(p.body) ? p.body : {};
  const max = p.price.max_output_tokens;
  const add: Record<string, unknown> = {};

  const fields = OUTPUT_FIELDS[p.shape];
  let outputLimit = 0;
  if (fields.length > 0) {
    const asked = fields.filter((f) => typeof body[f] === 'number');
    for (const f of asked) {
      if ((body[f] as number) > max) throw new AppError('invalid_field_value', `Invalid value for '${f}': ${p.model} answers with at most ${max} tokens here.`, { field: f });
    }
    outputLimit = asked.length > 0 ? Math.max(...asked.map((f) => body[f] as number)) : max;
    if (asked.length === 0) add[fields[0]!] = max;
  }

  const streamed = body.stream === true;
  let raw = p.raw;
  let usageNotAsked = false;
  if (streamed && p.shape === 'openai-chat') {
    const options = body.stream_options;
    usageNotAsked = !isPlainObject(options) || options.include_usage !== true;
    if (options === undefined || options === null) add.stream_options = { include_usage: true };
    else if (usageNotAsked) {
      // rare: the client set stream_options without usage; the one case that is re-serialised
      raw = Buffer.from(JSON.stringify({ ...body, stream_options: { ...(isPlainObject(options) ? options : {}), include_usage: true } }), 'utf8');
    }
  }

  const price = toMeteredPrice(p.price);
  const input = await inputTokensBound(p.shape, p.model, body, price.maxInputTokens !== undefined ? { maxInputTokens: price.maxInputTokens } : {});
  if (!input.ok) throw new AppError('invalid_field_value', `Invalid value for '${input.path}': ${input.reason}`, { field: input.field });
  const bound = input.tokens;
  return {
    shape: p.shape,
    model: p.model,
    price,
    ceilingMsat: ceilingMsat(price, bound, outputLimit),
    inputTokensBound: bound,
    outputLimit,
    streamed,
    usageNotAsked,
    body: prependJsonKeys(raw, add),
  };
}

/** The input tokens the call likely costs (for a charge estimated without the upstream's usage); counted on demand. */
export async function likelyInputOf(call: MeteredRequest): Promise<number> {
  let body: unknown;
  try {
    body = JSON.parse(call.body.toString('utf8'));
  } catch {
    return call.inputTokensBound;
  }
  return likelyInputTokens(call.shape, call.model, body, call.inputTokensBound);
}

/** The catalog's snake_case price as the metering core takes it. */
function toMeteredPrice(p: MeteredModelPrice): MeteredPrice {
  return {
    callSats: p.call_sats,
    inputSatsPerMtok: p.input_sats_per_mtok,
    cachedInputSatsPerMtok: p.cached_input_sats_per_mtok ?? p.input_sats_per_mtok,
    cacheWriteSatsPerMtok: p.cache_write_sats_per_mtok ?? p.input_sats_per_mtok,
    outputSatsPerMtok: p.output_sats_per_mtok,
    maxOutputTokens: p.max_output_tokens,
    ...(p.max_input_tokens !== undefined ? { maxInputTokens: p.max_input_tokens } : {}),
  };
}
