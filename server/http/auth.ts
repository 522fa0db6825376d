// Who is calling: a prepaid token from X-Token or "Authorization: Bearer abl_…".
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { isWellFormedToken } from '../ledger/index.js';

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The token the request carries, null when none; a malformed one is invalid_token. */
export function readToken(req: FastifyRequest): string | null {
  const x = header(req, 'x-token');
  if (x !== undefined) {
    const t = x.trim();
    if (!isWellFormedToken(t)) throw new AppError('invalid_token', 'X-Token is not a valid abl_ token.');
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
