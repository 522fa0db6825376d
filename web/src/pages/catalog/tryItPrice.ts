// What a "Try it" call will cost, said before it is sent: a flat price as it is, a metered one as
// an estimated ceiling (what the server reserves; the call pays only for the tokens it uses).
import type { PublicEndpoint } from '../../../../contract/catalog';
import { REQUEST_FRAMING_TOKENS } from '../../../../contract/metered-price';
import { formatNumber, formatSats, shortToken } from '../../lib/format';
import { callSats, isMeteredPrice } from '../../lib/meteredPrice';
import type { BodyFacts } from './tryItRequest';

export type CallPrice =
  | { kind: 'free' }
  | { kind: 'flat'; sats: number }
  | {
      kind: 'metered';
      model: string;
      /** estimated: input tokens counted as UTF-8 bytes / 4 */
      ceilingSats: number;
      inputTokens: number;
      outputTokens: number;
      /** the model's output limit: a body asking for more is refused */
      modelMaxOutputTokens: number;
    }
  /** the model has no price here: the server refuses the call */
  | { kind: 'unpriced'; model: string | null }
  /** the body does not parse: nothing can be priced yet */
  | { kind: 'invalid_json'; problem: string };

/** A rough token count of a request: about 4 bytes of English or JSON per token. */
export const estimateInputTokens = (bytes: number): number => Math.ceil(bytes / 4);

export function callPrice(ep: PublicEndpoint, facts: BodyFacts): CallPrice {
  if (facts.jsonProblem !== undefined) return { kind: 'invalid_json', problem: facts.jsonProblem };
  if (ep.free) return { kind: 'free' };
  if (!ep.models) return { kind: 'flat', sats: ep.price_sats ?? 0 };
  const model = facts.model ?? ep.default_model ?? null;
  const price = model !== null ? ep.models[model] : undefined;
  if (model === null || price === undefined) return { kind: 'unpriced', model };
  if (!isMeteredPrice(price)) return { kind: 'flat', sats: price };
  const inputTokens = estimateInputTokens(facts.bytes) + (price.max_output_tokens > 0 ? REQUEST_FRAMING_TOKENS : 0);
  const outputTokens = facts.maxOutputTokens ?? price.max_output_tokens;
  return { kind: 'metered', model, ceilingSats: callSats(price, inputTokens, outputTokens), inputTokens, outputTokens, modelMaxOutputTokens: price.max_output_tokens };
}

/** The sentence under the request: "This call costs 30 sats from abl_…." or its metered estimate. */
export function priceSentence(price: CallPrice, token: string | null): string {
  const from = token ? ` from ${shortToken(token)}` : '';
  switch (price.kind) {
    case 'invalid_json':
      return price.problem;
    case 'free':
      return 'This call is free.';
    case 'unpriced':
      return price.model === null
        ? 'This request names no model: the server will refuse the call.'
        : `The model “${price.model}” has no price here: the server will refuse the call.`;
    case 'flat':
      return `This call costs ${formatSats(price.sats)}${from}.`;
    case 'metered':
      if (price.outputTokens > price.modelMaxOutputTokens) {
        return `${price.model} answers with at most ${formatNumber(price.modelMaxOutputTokens)} output tokens here: the server will refuse a larger limit.`;
      }
      return (
        `This call costs up to ~${formatSats(price.ceilingSats)}${from} — an estimate for about ${formatNumber(price.inputTokens)} input tokens` +
        `${price.outputTokens > 0 ? ` and at most ${formatNumber(price.outputTokens)} output tokens` : ''}. You pay only for the tokens it uses.`
      );
  }
}
