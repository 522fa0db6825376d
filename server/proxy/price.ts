// The price of one call, read from the catalog: fixed per endpoint, or per model named in the
// request, flat or metered by tokens. Pure. Sats come from config; money inside is bigint msat.
import { isMetered, type Endpoint, type MeteredModelPrice, type UsageShape } from '../../contract/catalog.js';
import { satsToMsat } from '../../contract/money.js';
import { AppError } from '../errors.js';

export interface CallPrice {
  /** a flat price; 0 for a metered model, whose ceiling comes from the request (meteredRequest) */
  priceMsat: bigint;
  priceSats: number;
  /** the priced model; null for an endpoint with one price */
  model: string | null;
  free: boolean;
  /** a metered model's price and where its answer reports usage; null when flat */
  metered: { price: MeteredModelPrice; usage: UsageShape } | null;
}

/**
 * `fieldsOrBody` is the JSON body or the multipart text fields (see inputFields in body.ts).
 * Run validateRequest first: an unpriced model here means validation was skipped, and is refused.
 */
export function priceOf(endpoint: Endpoint, fieldsOrBody: Record<string, unknown> | null): CallPrice {
  const price = endpoint.price;
  if ('sats' in price) return flat(price.sats, null);
  const named = fieldsOrBody?.[price.model_field];
  const model = named === undefined || named === null ? price.default_model : named;
  if (model === undefined) {
    throw new AppError('missing_required_field', `Missing required parameter: '${price.model_field}'.`, { field: price.model_field });
  }
  if (typeof model !== 'string' || !Object.hasOwn(price.models, model)) {
    throw new AppError('invalid_field_value', `No price for this '${price.model_field}'.`, { field: price.model_field });
  }
  const p = price.models[model]!;
  if (!isMetered(p)) return flat(p, model);
  return { priceMsat: 0n, priceSats: 0, model, free: false, metered: { price: p, usage: price.usage! } };
}

function flat(sats: number, model: string | null): CallPrice {
  return { priceMsat: satsToMsat(sats), priceSats: sats, model, free: sats === 0, metered: null };
}
