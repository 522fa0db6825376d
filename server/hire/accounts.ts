// Who is calling: the account behind a token, or invalid_token; a child token limited to other
// APIs may not act on the marketplace.
import { AppError, invalidToken } from '../errors.js';
import { findAccountByTokenHash, hashToken, tokenRefusalOf, type UserAccount } from '../ledger/index.js';
import type { Queryable } from '../store/index.js';

/** The API name a child token's `apis` must list to use AI for Hire. */
export const HIRE_API_NAME = 'ai-for-hire';

export async function accountOf(q: Queryable, token: string, now: number): Promise<UserAccount> {
  const account = await findAccountByTokenHash(q, hashToken(token), now);
  if (!account) throw invalidToken(await tokenRefusalOf(q, hashToken(token)));
  if (account.child?.apis && !account.child.apis.includes(HIRE_API_NAME)) throw new AppError('forbidden', 'This token may not use AI for Hire (its parent limited it to other APIs).');
  return account;
}
