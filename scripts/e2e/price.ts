// What the catalog says a request costs: the endpoint's one price, or the price of the model the
// request names (or of the default model when it names none).
import type { PublicEndpoint } from '../../contract/catalog.js';
import { fieldOf, type Payload } from './payload.js';

/** The field that names the model. The public catalog leaves model_field out when it is the default. */
export function modelField(ep: PublicEndpoint): string {
  const named = (ep as PublicEndpoint & { model_field?: unknown }).model_field;
  return typeof named === 'string' ? named : 'model';
}

export const isFree = (ep: PublicEndpoint): boolean => ep.free || (ep.models === undefined && (ep.price_sats ?? 0) === 0);

/** The price in sats of this request, or null when the catalog prices no such model. */
export function priceOf(ep: PublicEndpoint, p: Payload): number | null {
  if (!ep.models) return ep.price_sats ?? 0;
  const model = fieldOf(p, modelField(ep)) ?? ep.default_model;
  return model !== undefined ? (ep.models[model] ?? null) : null;
}

/** The cheapest priced model other than `used`: the stream run's fallback (see stream.ts). */
export function cheapestOtherModel(ep: PublicEndpoint, used: string | undefined): string | undefined {
  const others = Object.entries(ep.models ?? {}).filter(([m]) => m !== used);
  others.sort((a, b) => a[1] - b[1]);
  return others[0]?.[0];
}
