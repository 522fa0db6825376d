// Turns a non-2xx answer (status, headers, body text) into an ApiError. Pure: no I/O.
import { ApiError, type PaymentChallenge } from './errors';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function readChallenge(body: Json): PaymentChallenge {
  const c: PaymentChallenge = {};
  const invoice = str(body.invoice);
  const paymentHash = str(body.payment_hash);
  const amount = num(body.amount_sats);
  const macaroon = str(body.macaroon);
  const expiresAt = num(body.expires_at);
  const token = str(body.token);
  if (invoice) c.invoice = invoice;
  if (paymentHash) c.payment_hash = paymentHash;
  if (amount !== undefined) c.amount_sats = amount;
  if (macaroon) c.macaroon = macaroon;
  if (expiresAt !== undefined) c.expires_at = expiresAt;
  if (token) c.token = token;
  return c;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseErrorResponse(status: number, statusText: string, retryAfter: string | null, text: string): ApiError {
  const body = tryJson(text);
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  const err = isObject(body) && isObject(body.error) ? body.error : undefined;
  if (!isObject(body) || !err) {
    const snippet = text.trim().slice(0, 200);
    const message = `The server answered ${status}${statusText ? ` ${statusText}` : ''}${snippet ? `: ${snippet}` : ''}.`;
    return new ApiError({ code: 'unexpected_response', message, status, retryAfterSeconds, body: body ?? text });
  }
  // upstream errors pass through in their own shape: OpenAI puts a null code and a `type`
  const code = str(err.code) ?? str(err.type) ?? 'http_error';
  const message = str(err.message) ?? `The server answered ${status} (${code}).`;
  return new ApiError({
    code,
    message,
    status,
    field: str(err.field),
    balanceSats: num(err.balance_sats),
    priceSats: num(err.price_sats),
    maxAmountSats: num(err.max_amount_sats),
    challenge: readChallenge(body),
    retryAfterSeconds,
    body,
  });
}
