// What each error code means and what to do next: shown under error messages and in the docs
// (the docs' words name fields and headers; the app's, below, speak to the person on the page).
import type { ErrorCode } from '../../../contract/errors';
import type { ApiError, ClientErrorCode } from '../api/errors';
import { formatSats } from './format';
import { isRateLimited, secondsUntil } from './rateLimit';

export interface Advice {
  meaning: string;
  next: string;
}

/** Exhaustive over contract/errors.ts: a new server code fails the type check until explained here. */
export const SERVER_ERROR_ADVICE: Record<ErrorCode, Advice> = {
  invalid_json: { meaning: 'The request body is not valid JSON.', next: 'Fix the JSON and send it again.' },
  missing_required_field: { meaning: 'A required field is missing.', next: 'Add the field named in `field` and retry.' },
  invalid_field_type: { meaning: 'A field has the wrong type (e.g. a string where a number belongs).', next: 'Send the field named in `field` with the right type.' },
  invalid_field_value: { meaning: 'A field is out of range or not one of the allowed values.', next: 'Correct the value of the field named in `field`.' },
  invalid_token: { meaning: 'The token is unknown or malformed.', next: 'Check the token on the Account page, or top up to get a new one.' },
  missing_token: { meaning: 'This action needs a prepaid token (X-Token).', next: 'Enter your token on the Account page, or top up to get one.' },
  invalid_payment: { meaning: 'The payment hash, preimage or L402 credential does not check out.', next: 'Copy the preimage again from your wallet, or pay a fresh invoice.' },
  payment_already_used: { meaning: 'This payment was already claimed or spent.', next: 'Use the token it was claimed into, or pay a new invoice.' },
  payment_required: { meaning: 'The call costs sats and nothing paid for it.', next: 'Pay the invoice in the answer (L402) or send a token with balance.' },
  insufficient_balance: { meaning: 'The token’s balance is below the price.', next: 'Top up the token, then retry.' },
  not_found: { meaning: 'No such route, task or quote.', next: 'Check the address or the id.' },
  method_not_allowed: { meaning: 'The path exists but not with this HTTP method.', next: 'Use the method the catalog lists.' },
  forbidden: { meaning: 'Your token is not the buyer or contractor this action needs.', next: 'Use the token that posted the task or made the quote.' },
  invalid_state: { meaning: 'The task or quote is not in a state that allows this action.', next: 'Reload to see its current state.' },
  payload_too_large: { meaning: 'The body is larger than the configured limit.', next: 'Send a smaller body or file.' },
  request_timeout: { meaning: 'The request did not arrive in time.', next: 'Send it again, all at once.' },
  headers_too_large: { meaning: 'The request headers are larger than the server takes.', next: 'Send fewer or shorter headers.' },
  unsupported_media_type: { meaning: 'The Content-Type is not one this endpoint takes.', next: 'Send JSON, or multipart where the endpoint takes files.' },
  rate_limited: { meaning: 'Too many requests from your address.', next: 'Wait for the time in Retry-After, then retry.' },
  invalid_signature: { meaning: 'A webhook arrived without a valid signature.', next: 'Check the webhook secret shared with phoenixd.' },
  topup_unavailable: { meaning: 'No Lightning backend is reachable right now.', next: 'Try again in a minute.' },
  upstream_not_configured: { meaning: 'This API is not set up on this server.', next: 'Pick another endpoint, or ask the operator.' },
  upstream_error: { meaning: 'The upstream API failed. Nothing was charged.', next: 'Retry in a moment.' },
  internal_error: { meaning: 'Something broke on the server.', next: 'Retry; if it keeps happening, tell the operator.' },
};

const CLIENT_ERROR_ADVICE: Record<ClientErrorCode, Advice> = {
  network_error: { meaning: 'The server could not be reached.', next: 'Check your connection and retry.' },
  unexpected_response: { meaning: 'The server answered in a way this page did not expect.', next: 'Retry; if it keeps happening, tell the operator.' },
  http_error: { meaning: 'The request was refused.', next: 'Read the message above, adjust the request and retry.' },
};

export function adviceFor(code: string): Advice | undefined {
  return (SERVER_ERROR_ADVICE as Record<string, Advice>)[code] ?? (CLIENT_ERROR_ADVICE as Record<string, Advice>)[code];
}

/** The quote's price now, when a 409 names it: the accept named a price that is no longer the quote's. */
const stalePrice = (error: ApiError): number | undefined => (error.code === 'invalid_state' ? error.priceSats : undefined);

/** The server's message, in the app's words where it speaks to API clients (a stale accept names its JSON field). */
export function messageInWords(error: ApiError): string {
  const price = stalePrice(error);
  return price === undefined ? error.message : `The price changed to ${formatSats(price)}; accept again at the new price.`;
}

/** What to do next, in the app's words: the field by its name, no header names; none after a 429 (its message says when). */
export function nextStep(error: ApiError): string | undefined {
  const field = error.field ? `“${error.field}”` : null;
  // the page reloads the task after a 409: the quote already shows its new price
  if (stalePrice(error) !== undefined) return 'Nothing was taken from your balance.';
  switch (error.code) {
    case 'missing_required_field':
      return field ? `Fill in ${field}, then send it again.` : 'Fill in what is missing, then send it again.';
    case 'invalid_field_type':
    case 'invalid_field_value':
      return field ? `Correct ${field}, then send it again.` : 'Correct the value, then send it again.';
    case 'rate_limited':
      return undefined;
  }
  return isRateLimited(error) ? undefined : adviceFor(error.code)?.next;
}

/**
 * Whether sending the same request again can succeed: after no answer, a server failure, a
 * timeout or a stale state (409) — not after a 404, a refusal or a 429 (whose wait comes first).
 */
export function retryHelps(error: ApiError): boolean {
  return error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 409;
}

/** "Too many requests — try again in 13 s." once, counting down from when the 429 came. */
export function rateLimitText(error: ApiError, nowMs: number): string {
  // the server's reason up to its first stop ("Too many requests: at most 60 a minute. Retry in 13 s.")
  const reason = /^[^:.]+/.exec(error.message)?.[0]?.trim() || 'Too many requests';
  if (error.retryAfterSeconds === undefined) return `${reason} — try again in a minute.`;
  const left = secondsUntil(error.receivedAtMs + error.retryAfterSeconds * 1000, nowMs);
  return left > 0 ? `${reason} — try again in ${left} s.` : `${reason} — you can try again now.`;
}
