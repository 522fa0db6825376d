// A flat-priced call's worst case is bounded by its output limit: when the body names none, the
// endpoint's validation maximum is sent upstream (contract, "Cost-raising parameters"). Pure.
import type { Endpoint } from '../../contract/catalog.js';
import { isPlainObject } from './body.js';
import { prependJsonKeys } from './json-splice.js';

/** The body fields that cap an answer's length, in the order a cap is injected. */
export const OUTPUT_LIMIT_FIELDS = ['max_completion_tokens', 'max_tokens', 'max_output_tokens'] as const;

/** `raw` with the endpoint's maximum output limit added when the body names no limit of its own. */
export function withFlatOutputCap(endpoint: Endpoint, body: unknown, raw: Buffer): Buffer {
  if (!isPlainObject(body)) return raw;
  const rules = endpoint.validation.fields;
  const capped = OUTPUT_LIMIT_FIELDS.filter((f) => rules[f]?.max !== undefined);
  if (capped.length === 0 || OUTPUT_LIMIT_FIELDS.some((f) => body[f] !== undefined && body[f] !== null)) return raw;
  const field = capped[0]!;
  return prependJsonKeys(raw, { [field]: rules[field]!.max });
}
