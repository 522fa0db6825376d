// Metered prices as clients read them, without zod: the web app imports this file directly.

/**
 * The framing margin a metered chat, responses or messages request's input bound adds per request
 * (OpenAI's reply priming is 3 tokens; the rest covers a hidden system preamble): the server
 * reserves for it, and a client's estimate of the ceiling counts it too. Embeddings have none.
 */
export const REQUEST_FRAMING_TOKENS = 64;

/** A metered model's price in the public catalog, every kind resolved. */
export interface PublicMeteredPrice {
  call_sats: number;
  input_sats_per_mtok: number;
  cached_input_sats_per_mtok: number;
  cache_write_sats_per_mtok: number;
  output_sats_per_mtok: number;
  max_output_tokens: number;
  max_input_tokens?: number;
}

/**
 * Sats a metered call of this size costs at most, rounded up: what agents and the web app quote
 * ("a typical call"), and what the e2e suite budgets. Input tokens at the dearest input kind.
 */
export function meteredCallSats(p: PublicMeteredPrice, inputTokens: number, outputTokens: number): number {
  const input = Math.max(p.input_sats_per_mtok, p.cached_input_sats_per_mtok, p.cache_write_sats_per_mtok);
  return p.call_sats + Math.ceil((inputTokens * input + outputTokens * p.output_sats_per_mtok) / 1_000_000);
}

/** A model's price for a call of this size: flat prices as they are, metered ones by meteredCallSats. */
export function modelCallSats(p: number | PublicMeteredPrice, inputTokens: number, outputTokens: number): number {
  return typeof p === 'number' ? p : meteredCallSats(p, inputTokens, outputTokens);
}
