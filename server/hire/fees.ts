// The posting and quoting fees, paid through the payment gate inside the transaction that
// creates the task or quote, so a failure anywhere leaves the money (and the credential)
// untouched. What is hire's own: without any credential the caller gets a 402 challenge
// carrying a new, empty token (auto-account creation), and an L402 payment without a token
// opens an account for the poster.
import { createUserAccount, hashToken, newToken } from '../ledger/index.js';
import type { Credentials, PaidAction, Payer } from '../payments/gate.js';
import type { Queryable } from '../store/index.js';
import type { HireDeps } from './deps.js';

export const HIRE_API = 'ai-for-hire';

export interface FeeAction {
  /** `<METHOD> <public path>`, bound into the L402 credential */
  endpoint: string;
  priceMsat: bigint;
  description: string;
  /** journal kind of a token-paid fee */
  journalKind: 'hire_post_fee' | 'hire_quote_fee';
}

export type FeePayer = Payer;

export interface FeePaid {
  accountId: bigint;
  /** set when an L402 payment came without a token: the new account's token, shown once */
  newToken: string | null;
}

const paidAction = (a: FeeAction): PaidAction => ({ api: HIRE_API, endpoint: a.endpoint, priceMsat: a.priceMsat, description: a.description });

export async function resolveFeePayer(deps: HireDeps, action: FeeAction, creds: Credentials, client: string): Promise<FeePayer> {
  const payer = await deps.gate.identify(paidAction(action), creds);
  if (payer) return payer;
  const token = newToken();
  const challenge = await deps.gate.challenge(paidAction(action), client, { token });
  // The account exists only once its token was really handed out with an invoice.
  if (challenge.code === 'payment_required') await createUserAccount(deps.db, hashToken(token));
  throw challenge;
}

/** Books the fee inside the action's transaction; throws InsufficientFundsError on a token too poor. */
export async function takeFee(q: Queryable, deps: HireDeps, action: FeeAction, payer: FeePayer, ref: string): Promise<FeePaid> {
  await deps.gate.chargeInTx(q, paidAction(action), payer, { journalKind: action.journalKind, ref });
  if (payer.accountId !== null) return { accountId: payer.accountId, newToken: null };
  const token = newToken();
  return { accountId: (await createUserAccount(q, hashToken(token))).id, newToken: token };
}
