// The price of one call, read from the catalog: fixed per endpoint, or per model named in the
// request. Pure. Sats come from config; money inside the server is bigint msat.
import type { Endpoint } from '../../contract/catalog.js';
import { satsToMsat } from '../../contract/money.js';
import { AppError } from '../errors.js';

export interface CallPrice {
  priceMsat: bigint;
  priceSats: number;
  /** the priced model; null for an endpoint with one price */
  model: string | null;
  free: boolean;
}

/**
 * `fieldsOrBody` is the JSON body or the multipart text fields (see inputFields in body.ts).
 * Run validateRequest first: an unpriced model here means validation was skipped, and is refused.
 */
export function priceOf(endpoint: Endpoint, fieldsOrBody: Record<string, unknown> | null): CallPrice {
  const price = endpoint.price;
  if ('sats' in price) return callPrice(price.sats, null);
  const named = fieldsOrBody?.[price.model_field];
  const model = named === undefined || named === null ? price.default_model : named;
  if (model === undefined) {
    throw new AppError('missing_required_field', `Missing required parameter: '${price.model_field}'.`, { field: price.model_field });
  }
  if (typeof model !== 'string' || !Object.hasOwn(price.models, model)) {
    throw new AppError('invalid_field_value', `No price for this '${price.model_field}'.`, { field: price.model_field });
  }
  return callPrice(price.models[model] as number, model);
}

function callPrice(sats: number, model: string | null): CallPrice {
  return { priceMsat: satsToMsat(sats), priceSats: sats, model, free: sats === 0 };
}
