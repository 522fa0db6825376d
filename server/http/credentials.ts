// Reads the payment credentials a request carries: X-Token / Bearer abl_… (on an x-api-key API
// also x-api-key: abl_…), and an invoice credential: L402/LSAT or MPP's Payment (Authorization),
// or x402's PAYMENT-SIGNATURE.
import type { FastifyRequest } from 'fastify';
import { AppError, invalidL402 } from '../errors.js';
import { isWellFormedToken } from '../ledger/index.js';
import { parseAuthorization } from '../l402/header.js';
import { parsePaymentAuthorization } from '../mpp/header.js';
import { parsePaymentSignature } from '../x402/header.js';
import type { Credentials } from '../payments/gate.js';
import { readToken } from './auth.js';

export function readCredentials(req: FastifyRequest, opts: { apiKeyHeader?: boolean } = {}): Credentials {
  const l402 = parseAuthorization(req.headers.authorization);
  if (l402 && 'error' in l402) throw invalidL402(`Bad L402 credential: ${l402.error}.`);
  const mpp = l402 ? null : parsePaymentAuthorization(req.headers.authorization);
  if (mpp && 'error' in mpp) throw invalidL402(`Bad Payment credential: ${mpp.error}.`);
  const x402 = l402 || mpp ? null : parsePaymentSignature(req.headers['payment-signature']);
  if (x402 && 'error' in x402) throw invalidL402(`Bad PAYMENT-SIGNATURE: ${x402.error}.`);
  return { token: readToken(req) ?? (opts.apiKeyHeader ? readApiKeyToken(req) : null), l402, mpp, x402 };
}

/**
 * An API whose SDK sends its key as `x-api-key` (Anthropic's): an `x-api-key: abl_…` is the token,
 * exactly as X-Token is. Any other value is not ours and is ignored (it never goes upstream).
 */
function readApiKeyToken(req: FastifyRequest): string | null {
  const raw = req.headers['x-api-key'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value?.startsWith('abl_')) return null;
  if (!isWellFormedToken(value)) throw new AppError('invalid_token', 'x-api-key is not a valid abl_ token.');
  return value;
}
