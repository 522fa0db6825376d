// An upper bound of a request's input tokens, computed before forwarding so the call's ceiling
// can be reserved. OpenAI models whose tokenizer is known are counted with it (within a byte
// budget, token-count.ts); Anthropic and unknown models by UTF-8 bytes (a token is >= 1 byte).
// Images add a per-image bound; audio, files and stored conversations cannot be bounded.
import { encodingOf, loadTokenizer } from './encodings.js';
import { imageTokensBound } from './image-tokens.js';
import { requestInput, type Unbounded } from './request-input.js';
import type { ApiShape } from './shape.js';
import { estimatingCounter } from './estimate.js';
import { createTextCounter, DEFAULT_TOKENIZE_BUDGET_BYTES } from './token-count.js';

export type InputBound =
  | { ok: true; tokens: number }
  /** the caller answers 400 invalid_field_value naming `field` */
  | ({ ok: false } & Unbounded);

export interface InputBoundOptions {
  /**
   * The model's context window (MeteredPrice.maxInputTokens): no accepted input exceeds it, so it
   * caps the bound, and it bounds what otherwise cannot be (files, a previous_response_id).
   */
  maxInputTokens?: number;
  /** bytes of text counted by the tokenizer before falling back to bytes */
  tokenizeBudgetBytes?: number;
}

/** At least as many input tokens as the upstream will count for `body`, or why none can be given. */
export async function inputTokensBound(shape: ApiShape, model: string, body: unknown, options: InputBoundOptions = {}): Promise<InputBound> {
  const { maxInputTokens } = options;
  const input = requestInput(shape, body);
  if (input.dearer) return { ok: false, ...input.dearer };
  if (input.unbounded) return maxInputTokens === undefined ? { ok: false, ...input.unbounded } : { ok: true, tokens: maxInputTokens };
  const encoding = encodingOf(shape, model);
  const count = createTextCounter(encoding ? await loadTokenizer(encoding) : null, options.tokenizeBudgetBytes ?? DEFAULT_TOKENIZE_BUDGET_BYTES);
  let tokens = input.fixedTokens + input.images * imageTokensBound(shape, model);
  for (const text of input.texts) tokens += count(text);
  return { ok: true, tokens: maxInputTokens === undefined ? tokens : Math.min(tokens, maxInputTokens) };
}

/**
 * The input tokens a request likely costs, for a charge estimated when the upstream reported none
 * (a cut stream): its texts counted as the output is (Anthropic's by o200k, raised by a quarter),
 * with the framing the APIs are known to add rather than the bound's margins; never above `bound`.
 * Off the paid path: counted only when an estimate is needed.
 */
export async function likelyInputTokens(shape: ApiShape, model: string, body: unknown, bound: number): Promise<number> {
  const input = requestInput(shape, body);
  if (input.unbounded) return bound;
  const count = await estimatingCounter(shape, model, DEFAULT_TOKENIZE_BUDGET_BYTES);
  let texts = 0;
  for (const text of input.texts) texts += count(text);
  const likely = Math.ceil(texts) + input.likelyFixedTokens + input.images * imageTokensBound(shape, model);
  return Math.min(likely, bound);
}

