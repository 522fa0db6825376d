// Reads an upstream's `usage` into TokenUsage, per API, as the contract lists the fields. Never
// throws: anything that is not a well-formed count (missing, negative, fractional, a string,
// cached above the total) gives null, and the caller estimates instead of trusting it.
import type { TokenUsage } from './price.js';
import { asObject, type ApiShape } from './shape.js';

/** A required count; undefined when absent or malformed. */
function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** An optional count: absent or null is 0, malformed is undefined. */
function optionalCount(v: unknown): number | undefined {
  return v === undefined || v === null ? 0 : count(v);
}

function usage(input: number | undefined, cachedInput: number | undefined, cacheWrite: number | undefined, output: number | undefined): TokenUsage | null {
  if (input === undefined || cachedInput === undefined || cacheWrite === undefined || output === undefined) return null;
  return { input, cachedInput, cacheWrite, output };
}

/** OpenAI counts cached tokens inside the prompt total: the uncached rest is plain input. */
function openAiInput(total: number | undefined, details: unknown): [number | undefined, number | undefined] {
  const cached = optionalCount(asObject(details)?.cached_tokens);
  if (total === undefined || cached === undefined || cached > total) return [undefined, undefined];
  return [total - cached, cached];
}

/**
 * The usage of a JSON answer (`body`), or of a stream event carrying the same `usage` object
 * (a chat chunk, a Responses `response`, an Anthropic `message`).
 */
export function usageFromJson(shape: ApiShape, body: unknown): TokenUsage | null {
  const u = asObject(asObject(body)?.usage);
  if (!u) return null;
  switch (shape) {
    case 'openai-chat': {
      // completion_tokens includes reasoning and rejected prediction tokens: all billed as output
      const [input, cached] = openAiInput(count(u.prompt_tokens), u.prompt_tokens_details);
      return usage(input, cached, 0, count(u.completion_tokens));
    }
    case 'openai-responses': {
      const [input, cached] = openAiInput(count(u.input_tokens), u.input_tokens_details);
      return usage(input, cached, 0, count(u.output_tokens));
    }
    case 'openai-embeddings':
      return usage(count(u.prompt_tokens), 0, 0, 0);
    case 'anthropic-messages':
      // Anthropic's input_tokens excludes cache reads and writes: three disjoint counts
      return usage(count(u.input_tokens), optionalCount(u.cache_read_input_tokens), optionalCount(u.cache_creation_input_tokens), count(u.output_tokens));
  }
}

/** The strings at `key` of each object in `list` (skipping what is not a string). */
const stringsOf = (list: unknown, pick: (o: Record<string, unknown>) => unknown): string[] =>
  (Array.isArray(list) ? list : []).flatMap((item) => {
    const v = pick(asObject(item) ?? {});
    return typeof v === 'string' ? [v] : [];
  });

/** A message's content: a string, or parts with text (and refusals). */
const contentText = (content: unknown): string[] =>
  typeof content === 'string' ? [content] : [...stringsOf(content, (p) => p.text), ...stringsOf(content, (p) => p.refusal)];

/**
 * What a JSON answer (`body`) generated, for an estimate when it reported no usage: its text,
 * refusals, tool-call arguments and reasoning, as a stream's tap collects them; not its ids,
 * roles or keys. Null when the body is no answer of the API (the caller counts it whole).
 */
export function answerText(shape: ApiShape, body: unknown): string | null {
  const o = asObject(body);
  if (!o) return null;
  const parts: string[] = [];
  switch (shape) {
    case 'openai-chat':
      if (!Array.isArray(o.choices)) return null;
      for (const choice of o.choices) {
        const m = asObject(asObject(choice)?.message) ?? {};
        parts.push(...contentText(m.content), ...(typeof m.refusal === 'string' ? [m.refusal] : []), ...(typeof m.reasoning_content === 'string' ? [m.reasoning_content] : []));
        parts.push(...stringsOf(m.tool_calls, (c) => asObject(c.function)?.arguments), ...(typeof asObject(m.function_call)?.arguments === 'string' ? [asObject(m.function_call)!.arguments as string] : []));
      }
      break;
    case 'openai-responses':
      if (!Array.isArray(o.output)) return null;
      for (const item of o.output) {
        const i = asObject(item) ?? {};
        parts.push(...contentText(i.content), ...stringsOf(i.summary, (s) => s.text), ...(typeof i.arguments === 'string' ? [i.arguments] : []));
      }
      break;
    case 'anthropic-messages':
      if (!Array.isArray(o.content)) return null;
      for (const block of o.content) {
        const b = asObject(block) ?? {};
        if (typeof b.text === 'string') parts.push(b.text);
        if (typeof b.thinking === 'string') parts.push(b.thinking);
        if (b.type === 'tool_use' && b.input !== undefined) parts.push(JSON.stringify(b.input));
      }
      break;
    case 'openai-embeddings':
      return '';
  }
  return parts.join('\n');
}
