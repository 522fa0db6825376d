// Which OpenAI tokenizer a model uses, and the tokenizer itself, loaded on first use (each
// encoding's tables take ~150 ms and tens of MB to load, so only the ones in use are loaded).
// A model not listed here has no known tokenizer: callers fall back to a byte bound.
import type { ApiShape } from './shape.js';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** Counts the tokens of plain text. */
export interface Tokenizer {
  countTokens(text: string): number;
}

// Newest first: `gpt-4o`, `gpt-4.1` and `gpt-4.5` must match before `gpt-4`.
const RULES: readonly [RegExp, EncodingName][] = [
  [/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d|gpt-oss|codex-)/, 'o200k_base'],
  [/^(gpt-4|gpt-3\.5|text-embedding-3-|text-embedding-ada-002)/, 'cl100k_base'],
];

/** The encoding an API's model counts with here: Anthropic's tokenizer is not public (null), OpenAI's by model. */
export function encodingOf(shape: ApiShape, model: string): EncodingName | null {
  return shape === 'anthropic-messages' ? null : encodingForModel(model);
}

/** The encoding of `model` (a fine-tune `ft:<base>:…` counts as its base), or null when unknown. */
export function encodingForModel(model: string): EncodingName | null {
  const known = byModel.get(model);
  if (known !== undefined) return known;
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? '') : model;
  let found: EncodingName | null = null;
  for (const [pattern, name] of RULES) {
    if (pattern.test(base)) {
      found = name;
      break;
    }
  }
  // every metered call asks this once; the answers are kept (the catalog's few models), bounded
  if (byModel.size >= MODELS_KEPT) byModel.clear();
  byModel.set(model, found);
  return found;
}

const MODELS_KEPT = 256;
const byModel = new Map<string, EncodingName | null>();

// user text that spells a special token (`<|endoftext|>`) is counted as the plain text it is:
// never a throw, and at least as many tokens as the special token would be
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const loading = new Map<EncodingName, Promise<Tokenizer>>();

/** The tokenizer of `name`, imported once per process. */
export function loadTokenizer(name: EncodingName): Promise<Tokenizer> {
  let pending = loading.get(name);
  if (!pending) {
    pending = (name === 'o200k_base' ? import('gpt-tokenizer/encoding/o200k_base') : import('gpt-tokenizer/encoding/cl100k_base')).then((m) => ({
      countTokens: (text: string) => m.countTokens(text, PLAIN_TEXT),
    }));
    loading.set(name, pending);
  }
  return pending;
}

/** Loads the tokenizers `models` need (at start-up, so no paid call waits ~150 ms for one). */
export async function preloadTokenizers(models: Iterable<string>): Promise<void> {
  const names = new Set<EncodingName>();
  for (const m of models) {
    const name = encodingForModel(m);
    if (name) names.add(name);
  }
  await Promise.all([...names].map(loadTokenizer));
}
