// Reads the payment credentials a request carries: X-Token / Bearer abl_… and L402/LSAT.
import type { FastifyRequest } from 'fastify';
import { invalidL402 } from '../errors.js';
import { parseAuthorization } from '../l402/header.js';
import type { Credentials } from '../payments/gate.js';
import { readToken } from './auth.js';

export function readCredentials(req: FastifyRequest): Credentials {
  const l402 = parseAuthorization(req.headers.authorization);
  if (l402 && 'error' in l402) throw invalidL402(`Bad L402 credential: ${l402.error}.`);
  return { token: readToken(req), l402 };
}
