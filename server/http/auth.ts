// Who is calling: a prepaid token from X-Token or "Authorization: Bearer abl_…".
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { isWellFormedToken } from '../ledger/index.js';

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

// The Anthropic SDK sends its API key as x-api-key: on that API it is the token (contract).
const ANTHROPIC_PREFIX = '/api/v1/anthropic/';

/** The token the request carries, null when none; a malformed one is invalid_token. */
export function readToken(req: FastifyRequest): string | null {
  const named = header(req, 'x-token') !== undefined ? 'X-Token' : req.url.startsWith(ANTHROPIC_PREFIX) && header(req, 'x-api-key') !== undefined ? 'x-api-key' : null;
  if (named !== null) {
    const t = header(req, named.toLowerCase())!.trim();
    if (!isWellFormedToken(t)) throw new AppError('invalid_token', `${named} is not a valid abl_ token.`);
    return t;
  }
  const auth = header(req, 'authorization');
  const m = auth ? /^bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (m) {
    if (!isWellFormedToken(m[1]!)) throw new AppError('invalid_token', 'The bearer token is not a valid abl_ token.');
    return m[1]!;
  }
  return null;
}

export function requireToken(req: FastifyRequest): string {
  const t = readToken(req);
  if (t === null) throw new AppError('missing_token', 'This action needs an X-Token header (or Authorization: Bearer abl_…).');
  return t;
}
