// A metered price and the token counts it applies to, and the exact form of its rates.
// Config writes rates as decimal sats per million tokens (0.15, 1.25); money math must not
// round them through binary floating point, so each rate becomes an integer number of
// millisats per billion tokens (msat/Gtok = sats/Mtok × 10^6), exact for up to 6 decimals.

/** A model's metered price as config.yaml states it (sats; rates per million tokens). */
export interface MeteredPrice {
  /** a fixed fee per call, whole sats */
  callSats: number;
  inputSatsPerMtok: number;
  /** cache reads (OpenAI cached_tokens, Anthropic cache_read_input_tokens) */
  cachedInputSatsPerMtok: number;
  /** Anthropic cache_creation_input_tokens */
  cacheWriteSatsPerMtok: number;
  /** output, reasoning included */
  outputSatsPerMtok: number;
  /** the most output a request may ask for, and the limit used when it names none */
  maxOutputTokens: number;
  /** the model's context window: an input bound never exceeds it */
  maxInputTokens?: number;
}

/** Tokens of each priced kind that one call used. Non-negative integers; the kinds are disjoint. */
export interface TokenUsage {
  /** input not read from a cache and not written to one */
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
}

/** The input side of a usage, as a stream may report it before its end (Anthropic message_start). */
export type InputUsage = Omit<TokenUsage, 'output'>;

/** msat per billion tokens in one sat per million tokens. */
export const MSAT_PER_GTOK_PER_SAT_PER_MTOK = 1_000_000n;
/** The formula divides by this: tokens × msat/Gtok / 10^9 = msat. */
export const TOKENS_PER_GTOK = 1_000_000_000n;

/** Far above any real price (10 BTC per Mtok); below it, scaling by 10^6 is exact in a double. */
export const MAX_SATS_PER_MTOK = 1e9;

/** The price's rates, exact: millisats per billion tokens. */
export interface ExactRates {
  callMsat: bigint;
  inputMsatPerGtok: bigint;
  cachedInputMsatPerGtok: bigint;
  cacheWriteMsatPerGtok: bigint;
  outputMsatPerGtok: bigint;
}

/**
 * Sats per Mtok as written in config (a double parsed from a decimal) → the exact integer of
 * msat per Gtok. Accepts only a value that is the double nearest a decimal with at most 6
 * fractional digits, so 0.15 is exactly 150,000 and 1e-7 is refused rather than rounded.
 */
export function msatPerGtok(satsPerMtok: number): bigint {
  if (!(satsPerMtok >= 0 && satsPerMtok <= MAX_SATS_PER_MTOK)) throw new RangeError(`rate must be from 0 to ${MAX_SATS_PER_MTOK} sats/Mtok, got ${satsPerMtok}`);
  const scaled = Math.round(satsPerMtok * 1e6);
  // the division is correctly rounded, so it gives back the double config parsed iff the decimal had <= 6 places
  if (scaled / 1e6 !== satsPerMtok) {
    throw new RangeError(`rate ${satsPerMtok} sats/Mtok needs more than 6 decimal places`);
  }
  return BigInt(scaled);
}

/** All rates of a price in exact form; throws RangeError on a rate or fee config should have refused. */
export function exactRates(price: MeteredPrice): ExactRates {
  if (!Number.isSafeInteger(price.callSats) || price.callSats < 0) throw new RangeError(`callSats must be an integer >= 0, got ${price.callSats}`);
  return {
    callMsat: BigInt(price.callSats) * 1000n,
    inputMsatPerGtok: msatPerGtok(price.inputSatsPerMtok),
    cachedInputMsatPerGtok: msatPerGtok(price.cachedInputSatsPerMtok),
    cacheWriteMsatPerGtok: msatPerGtok(price.cacheWriteSatsPerMtok),
    outputMsatPerGtok: msatPerGtok(price.outputSatsPerMtok),
  };
}

/** True when every count is a non-negative safe integer. */
export function isTokenUsage(usage: TokenUsage): boolean {
  return [usage.input, usage.cachedInput, usage.cacheWrite, usage.output].every((n) => Number.isSafeInteger(n) && n >= 0);
}
