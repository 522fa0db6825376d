// Who is calling: the account behind a token, or invalid_token.
import { AppError } from '../errors.js';
import { findAccountByTokenHash, hashToken, type UserAccount } from '../ledger/index.js';
import type { Queryable } from '../store/index.js';

export async function accountOf(q: Queryable, token: string): Promise<UserAccount> {
  const account = await findAccountByTokenHash(q, hashToken(token));
  if (!account) throw new AppError('invalid_token', 'Unknown token.');
  return account;
}
