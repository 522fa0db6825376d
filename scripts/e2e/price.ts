// What the catalog says a request costs: the endpoint's one price, or the price of the model the
// request names (or of the default model when it names none).
import { modelCallSats, type PublicEndpoint, type PublicMeteredPrice } from '../../contract/catalog.js';
import { fieldOf, type Payload } from './payload.js';

/** The body fields that cap a metered call's output (OpenAI chat and Responses, Anthropic). */
const OUTPUT_FIELDS = ['max_completion_tokens', 'max_tokens', 'max_output_tokens'];

/** The field that names the model. The public catalog leaves model_field out when it is the default. */
export function modelField(ep: PublicEndpoint): string {
  const named = (ep as PublicEndpoint & { model_field?: unknown }).model_field;
  return typeof named === 'string' ? named : 'model';
}

export const isFree = (ep: PublicEndpoint): boolean => ep.free || (ep.models === undefined && (ep.price_sats ?? 0) === 0);

/** The catalog price of the model this request names (or the default model), or null. */
function modelPrice(ep: PublicEndpoint, p: Payload): number | PublicMeteredPrice | null {
  const model = fieldOf(p, modelField(ep)) ?? ep.default_model;
  return model !== undefined && ep.models ? (ep.models[model] ?? null) : null;
}

/** The metered price this request pays by, or null when it pays a flat price. */
export function meteredPriceOf(ep: PublicEndpoint, p: Payload): PublicMeteredPrice | null {
  const price = modelPrice(ep, p);
  return price !== null && typeof price === 'object' ? price : null;
}

/**
 * The most this request costs in sats, or null when the catalog prices no such model: a flat
 * price exactly, a metered one bounded from outside — every token is at least one byte of the
 * body, and the output at most the body's limit or the model's.
 */
export function priceOf(ep: PublicEndpoint, p: Payload): number | null {
  if (!ep.models) return ep.price_sats ?? 0;
  const price = modelPrice(ep, p);
  if (price === null || typeof price === 'number') return price;
  const body = p.kind === 'json' ? p.body : {};
  const asked = OUTPUT_FIELDS.map((f) => body[f]).filter((v): v is number => typeof v === 'number');
  const output = asked.length > 0 ? Math.max(...asked) : price.max_output_tokens;
  return modelCallSats(price, Buffer.byteLength(JSON.stringify(body)), output);
}

/** What a model's call typically costs (1,000 input and 500 output tokens), for choosing the cheapest. */
const typicalSats = (price: number | PublicMeteredPrice): number => modelCallSats(price, 1000, 500);

/** The cheapest priced model other than `used`: the stream run's fallback (see stream.ts). */
export function cheapestOtherModel(ep: PublicEndpoint, used: string | undefined): string | undefined {
  const others = Object.entries(ep.models ?? {}).filter(([m]) => m !== used);
  others.sort((a, b) => typicalSats(a[1]) - typicalSats(b[1]));
  return others[0]?.[0];
}
