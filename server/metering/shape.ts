// The upstream APIs whose token usage is metered, named by their wire format.
export const API_SHAPES = ['openai-chat', 'openai-responses', 'openai-embeddings', 'anthropic-messages'] as const;
export type ApiShape = (typeof API_SHAPES)[number];

/** A plain JSON object, or undefined: the one narrowing every reader here needs. */
export function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
