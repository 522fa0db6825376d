// First-party caveats in Aperture's `key=value` form. Aperture's own (`services=<api>:0`,
// `<api>_valid_until=<unix s>`) plus ours binding a credential to one endpoint and a price ceiling.
// Checking is fail-closed: a key we do not know, a value we cannot read, a missing binding or a
// repeated key that widens what an earlier one allowed all make the credential invalid.

export const SERVICES_KEY = 'services';
export const ENDPOINT_KEY = 'endpoint';
export const MAX_PRICE_KEY = 'max_price_msat';
export const VALID_UNTIL_SUFFIX = '_valid_until';
/** Aperture's base tier; we mint no other */
const SERVICE_TIER = 0;

const API_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
// METHOD, one space, then a path of visible ASCII: no spaces, quotes or control characters.
const ENDPOINT = /^[A-Z]{3,7} \/[!-~]{0,1023}$/;
const UNSIGNED_DECIMAL = /^(0|[1-9][0-9]*)$/;

export interface Caveat {
  key: string;
  value: string;
}

export interface BindingCaveatsInput {
  api: string;
  /** `<METHOD> <public path>`, e.g. `POST /api/v1/openai/v1/chat/completions` */
  endpoint: string;
  priceMsat: bigint;
  /** Unix seconds */
  validUntil: number;
}

/** The caveats every credential we mint carries, in signing order. */
export function bindingCaveats(input: BindingCaveatsInput): string[] {
  if (!API_NAME.test(input.api)) throw new RangeError('api name must match [a-z0-9][a-z0-9_-]*');
  if (!ENDPOINT.test(input.endpoint)) throw new RangeError('endpoint must be "<METHOD> /<path>"');
  if (input.priceMsat <= 0n) throw new RangeError('priceMsat must be positive');
  if (!Number.isSafeInteger(input.validUntil) || input.validUntil < 0) throw new RangeError('validUntil must be Unix seconds');
  return [
    `${SERVICES_KEY}=${input.api}:${SERVICE_TIER}`,
    `${input.api}${VALID_UNTIL_SUFFIX}=${input.validUntil}`,
    `${ENDPOINT_KEY}=${input.endpoint}`,
    `${MAX_PRICE_KEY}=${input.priceMsat}`,
  ];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `key=value`, split at the first `=`; null when not UTF-8, no `=`, or an empty key. */
export function decodeCaveat(raw: Uint8Array): Caveat | null {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return null;
  }
  const eq = text.indexOf('=');
  if (eq <= 0) return null;
  return { key: text.slice(0, eq), value: text.slice(eq + 1) };
}

export interface CaveatRequest {
  api: string;
  endpoint: string;
  /** the price the credential must cover; unset: value-carrying, the store checks what remains */
  priceMsat?: bigint;
  /** Unix seconds */
  now: number;
}

export type CaveatFailure =
  | 'malformed'
  | 'unknown_caveat'
  | 'missing_caveat'
  | 'widened_caveat'
  | 'wrong_service'
  | 'expired'
  | 'wrong_endpoint'
  | 'price';

export type CaveatVerdict = { ok: true; expiresAt: number; maxPriceMsat: bigint } | { ok: false; reason: CaveatFailure };

/** Every caveat must hold for this request; repeats may only narrow. First failure wins. */
export function checkCaveats(rawCaveats: ReadonlyArray<Uint8Array>, request: CaveatRequest): CaveatVerdict {
  const validUntilKey = request.api + VALID_UNTIL_SUFFIX;
  let services: Set<string> | null = null;
  let validUntil: number | null = null;
  let maxPrice: bigint | null = null;
  let endpointBound = false;

  for (const raw of rawCaveats) {
    const caveat = decodeCaveat(raw);
    if (caveat === null) return fail('malformed');
    const { key, value } = caveat;

    if (key === SERVICES_KEY) {
      const names = parseServices(value);
      if (names === null) return fail('malformed');
      const previous = services;
      if (previous !== null && names.some((n) => !previous.has(n))) return fail('widened_caveat');
      services = new Set(names);
      if (!services.has(request.api)) return fail('wrong_service');
    } else if (key === validUntilKey) {
      const until = parseUnixSeconds(value);
      if (until === null) return fail('malformed');
      if (validUntil !== null && until > validUntil) return fail('widened_caveat');
      validUntil = until;
      if (until < request.now) return fail('expired');
    } else if (key === ENDPOINT_KEY) {
      // every endpoint caveat must name this request's endpoint, so none can widen another
      if (value !== request.endpoint) return fail('wrong_endpoint');
      endpointBound = true;
    } else if (key === MAX_PRICE_KEY) {
      const ceiling = parseMsat(value);
      if (ceiling === null) return fail('malformed');
      if (maxPrice !== null && ceiling > maxPrice) return fail('widened_caveat');
      maxPrice = ceiling;
      if (request.priceMsat !== undefined && request.priceMsat > ceiling) return fail('price');
    } else {
      return fail('unknown_caveat');
    }
  }

  // a credential we minted always carries all four; without them it would bind nothing
  if (services === null || validUntil === null || maxPrice === null || !endpointBound) return fail('missing_caveat');
  return { ok: true, expiresAt: validUntil, maxPriceMsat: maxPrice };
}

function fail(reason: CaveatFailure): CaveatVerdict {
  return { ok: false, reason };
}

/** Aperture's `name:tier[,name:tier]*`; returns the names, or null when any entry is malformed. */
function parseServices(value: string): string[] | null {
  const names: string[] = [];
  for (const entry of value.split(',')) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || entry.indexOf(':', colon + 1) !== -1) return null;
    const tier = entry.slice(colon + 1);
    if (tier.length > 3 || !UNSIGNED_DECIMAL.test(tier)) return null;
    names.push(entry.slice(0, colon));
  }
  return names;
}

function parseUnixSeconds(value: string): number | null {
  if (value.length > 15 || !UNSIGNED_DECIMAL.test(value)) return null;
  return Number(value);
}

function parseMsat(value: string): bigint | null {
  if (value.length > 30 || !UNSIGNED_DECIMAL.test(value)) return null;
  return BigInt(value);
}
