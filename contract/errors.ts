// Every error code of the HTTP contract with its status: the one exhaustive map. No zod here:
// the web app imports it as a value (the schemas of the error bodies are in error-bodies.ts).
export const ERROR_STATUS = {
  invalid_json: 400,
  missing_required_field: 400,
  invalid_field_type: 400,
  invalid_field_value: 400,
  invalid_token: 401,
  missing_token: 401,
  invalid_payment: 400,
  payment_already_used: 409,
  payment_required: 402,
  insufficient_balance: 402,
  not_found: 404,
  method_not_allowed: 405,
  forbidden: 403,
  invalid_state: 409,
  payload_too_large: 413,
  // before any route: the request's headers did not arrive in time, or were too large
  request_timeout: 408,
  headers_too_large: 431,
  unsupported_media_type: 415,
  rate_limited: 429,
  invalid_signature: 401,
  topup_unavailable: 503,
  upstream_not_configured: 503,
  upstream_error: 502,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
