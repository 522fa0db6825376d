// The most input tokens one image can cost, whatever its size or `detail`: the APIs scale images
// down before counting, so each has a ceiling. Sources: the providers' vision pricing pages.
import type { ApiShape } from './shape.js';

/**
 * OpenAI, detail high: tile models cost base + per-tile × at most 8 tiles (768×2048 after
 * scaling): gpt-4o 85 + 170·8 = 1,445, o1/o3 1,275, gpt-5 1,190; patch models at most
 * 1,536 patches × their multiplier (≤ 2.46, gpt-4.1-nano) = 3,779. 6,000 covers all with room.
 */
export const OPENAI_IMAGE_TOKENS = 6_000;
/** gpt-4o-mini prices images by counting them large: 2,833 + 5,667 per tile × 8 = 48,169. */
export const GPT_4O_MINI_IMAGE_TOKENS = 48_169;
/**
 * Anthropic: about width × height / 750, images beyond ~1.15 MP scaled down (~1,600 tokens);
 * 5,000 leaves room for models that take larger images.
 */
export const ANTHROPIC_IMAGE_TOKENS = 5_000;

export function imageTokensBound(shape: ApiShape, model: string): number {
  if (shape === 'anthropic-messages') return ANTHROPIC_IMAGE_TOKENS;
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? '') : model;
  return base.startsWith('gpt-4o-mini') ? GPT_4O_MINI_IMAGE_TOKENS : OPENAI_IMAGE_TOKENS;
}
