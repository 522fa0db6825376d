// A usage to charge when the upstream reported none (the stream was cut, the upstream hung up):
// the input the stream reported, else the input the request likely costs; the output counted from the text seen.
// It stays within the input bound and the output limit, so its charge never exceeds the ceiling.
import { encodingOf, loadTokenizer } from './encodings.js';
import type { InputUsage, TokenUsage } from './price.js';
import type { ApiShape } from './shape.js';
import { createTextCounter } from './token-count.js';

/**
 * Claude's tokenizer is not public; o200k counts stand in for it, raised by a quarter since
 * Claude's tokenizer needs more tokens than o200k for the same text. An estimate, not a bound.
 */
export const UNKNOWN_TOKENIZER_FACTOR = 1.25;

export interface EstimateInput {
  shape: ApiShape;
  model: string;
  /** inputTokensBound's figure: the call's reserved input */
  inputBound: number;
  /** likelyInputTokens' figure (at most the bound): charged when the stream reported no input */
  likelyInput: number;
  /** the output limit the ceiling was reserved with */
  outputLimit: number;
  /** generated text seen (UsageTap.text()) */
  outputText: string;
  /** generated text seen but not kept (UsageTap.droppedTextBytes()) */
  droppedTextBytes?: number;
  /** input counts the stream reported before it ended (UsageTap.reportedInput()) */
  reportedInput?: InputUsage | null;
}

export async function estimateUsage(e: EstimateInput): Promise<TokenUsage> {
  return { ...estimateInput(e.inputBound, e.reportedInput ?? null, e.likelyInput), output: Math.min(await estimateOutput(e), e.outputLimit) };
}

/** The reported input, squeezed into the bound (cache writes first, the dearest kind), or the likely input. */
function estimateInput(bound: number, reported: InputUsage | null, likely: number): InputUsage {
  if (!reported) return { input: Math.min(likely, bound), cachedInput: 0, cacheWrite: 0 };
  const cacheWrite = Math.min(reported.cacheWrite, bound);
  const cachedInput = Math.min(reported.cachedInput, bound - cacheWrite);
  return { input: Math.min(reported.input, bound - cacheWrite - cachedInput), cachedInput, cacheWrite };
}

/**
 * Counts text as an estimate does: with the model's tokenizer, or o200k raised by
 * UNKNOWN_TOKENIZER_FACTOR where it is unknown (a fraction; the caller rounds what it sums).
 */
export async function estimatingCounter(shape: ApiShape, model: string, budgetBytes: number): Promise<(text: string) => number> {
  const encoding = encodingOf(shape, model);
  const count = createTextCounter(await loadTokenizer(encoding ?? 'o200k_base'), budgetBytes, 'sliced');
  const factor = encoding ? 1 : UNKNOWN_TOKENIZER_FACTOR;
  return (text) => count(text) * factor;
}

async function estimateOutput(e: EstimateInput): Promise<number> {
  const count = await estimatingCounter(e.shape, e.model, Number.POSITIVE_INFINITY);
  const keptTokens = count(e.outputText);
  const keptBytes = Buffer.byteLength(e.outputText);
  const dropped = e.droppedTextBytes ?? 0;
  // text beyond the sample is taken at the sample's tokens per byte (a quarter token per byte without one)
  const droppedTokens = keptBytes > 0 ? (dropped * keptTokens) / keptBytes : dropped / 4;
  return Math.ceil(keptTokens + droppedTokens);
}
