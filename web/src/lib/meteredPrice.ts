// A model's price as sats: flat per call, or metered per million tokens; the plain-words labels
// and the "typical call" figure that pills, ranges and sorting use for metered models.
import { modelCallSats, type PublicMeteredPrice } from '../../../contract/metered-price';
import { formatNumber, formatSats } from './format';

export type ModelPrice = number | PublicMeteredPrice;

/** The call a metered price is quoted by: what a short chat exchange uses. */
export const TYPICAL_CALL = { inputTokens: 1000, outputTokens: 500 } as const;

export const isMeteredPrice = (p: ModelPrice): p is PublicMeteredPrice => typeof p === 'object';

/** Sats a call of this size costs at most (contract/metered-price.ts, zod-free so the bundle stays small). */
export const callSats = (p: ModelPrice, inputTokens: number, outputTokens: number): number => modelCallSats(p, inputTokens, outputTokens);

/** Sats of a typical call, rounded up; a flat price as it is. Output beyond the model's limit cannot happen. */
export function typicalCallSats(p: ModelPrice): number {
  if (!isMeteredPrice(p)) return p;
  return callSats(p, TYPICAL_CALL.inputTokens, Math.min(TYPICAL_CALL.outputTokens, p.max_output_tokens));
}

/** "≈ 1 sat per typical call" for a metered model, "30 sats per call" for a flat one. */
export function typicalCallLabel(p: ModelPrice): string {
  return isMeteredPrice(p) ? `≈ ${formatSats(typicalCallSats(p))} per typical call` : `${formatSats(p)} per call`;
}

/**
 * "150 sats per 1M input tokens · 75 per 1M cached input · 600 per 1M output · up to 16,384 output tokens";
 * cached and cache-write input only where they differ from input, the call fee only when it is not zero.
 */
export function meteredRatesLabel(p: PublicMeteredPrice): string {
  const parts = [`${formatNumber(p.input_sats_per_mtok)} sats per 1M input tokens`];
  if (p.cached_input_sats_per_mtok !== p.input_sats_per_mtok) parts.push(`${formatNumber(p.cached_input_sats_per_mtok)} per 1M cached input`);
  if (p.cache_write_sats_per_mtok !== p.input_sats_per_mtok) parts.push(`${formatNumber(p.cache_write_sats_per_mtok)} per 1M cache-write`);
  if (p.output_sats_per_mtok !== 0 || p.max_output_tokens !== 0) parts.push(`${formatNumber(p.output_sats_per_mtok)} per 1M output`);
  if (p.call_sats !== 0) parts.push(`+ ${formatSats(p.call_sats)} per call`);
  if (p.max_output_tokens !== 0) parts.push(`up to ${formatNumber(p.max_output_tokens)} output tokens`);
  return parts.join(' · ');
}

/** Any model's price in words: "30 sats" flat, the per-token rates metered. */
export function modelPriceLabel(p: ModelPrice): string {
  return isMeteredPrice(p) ? meteredRatesLabel(p) : formatSats(p);
}
