// The posting and quoting fees. Paid by the token's balance or by an L402 credential; either
// way the fee is booked in the SAME transaction that creates the task or quote, so a failure
// anywhere leaves the money (and the credential) untouched. Without any credential the caller
// gets a 402 challenge carrying a new, empty token (auto-account creation).
import { AppError, invalidL402 } from '../errors.js';
import type { L402Authorization } from '../l402/header.js';
import { verifyCredential } from '../l402/mint.js';
import { createUserAccount, hashToken, newToken, postJournal } from '../ledger/index.js';
import { claimCredential, spendCredential } from '../payments/credentials.js';
import type { Credentials, PaidAction } from '../payments/gate.js';
import type { Queryable } from '../store/index.js';
import { accountOf } from './accounts.js';
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

/** Who pays, decided before the transaction (credential checks are pure and cheap). */
export type FeePayer =
  | { kind: 'token'; accountId: bigint }
  | { kind: 'l402'; paymentHash: string; accountId: bigint | null };

export interface FeePaid {
  accountId: bigint;
  /** set when an L402 payment came without a token: the new account's token, shown once */
  newToken: string | null;
}

const paidAction = (a: FeeAction): PaidAction => ({ api: HIRE_API, endpoint: a.endpoint, priceMsat: a.priceMsat, description: a.description });

export async function resolveFeePayer(deps: HireDeps, action: FeeAction, creds: Credentials, client: string): Promise<FeePayer> {
  const db = deps.ledger.db;
  if (creds.l402) {
    const paymentHash = verifyL402(deps, action, creds.l402);
    return { kind: 'l402', paymentHash, accountId: creds.token === null ? null : (await accountOf(db, creds.token)).id };
  }
  if (creds.token !== null) return { kind: 'token', accountId: (await accountOf(db, creds.token)).id };
  const token = newToken();
  const challenge = await deps.challenge(paidAction(action), client, { token });
  // The account exists only once its token was really handed out with an invoice.
  if (challenge.code === 'payment_required') await createUserAccount(db, hashToken(token));
  throw challenge;
}

/** Books the fee inside the action's transaction; throws InsufficientFundsError on a token too poor. */
export async function takeFee(q: Queryable, deps: HireDeps, action: FeeAction, payer: FeePayer, ref: string): Promise<FeePaid> {
  const { sys } = deps.ledger;
  if (payer.kind === 'token') {
    await postJournal(q, {
      kind: action.journalKind,
      ref,
      lines: [
        { accountId: payer.accountId, amountMsat: -action.priceMsat },
        { accountId: sys.revenue, amountMsat: action.priceMsat },
      ],
    });
    return { accountId: payer.accountId, newToken: null };
  }
  const now = deps.now();
  const claim = await claimCredential(q, { paymentHash: payer.paymentHash, endpoint: action.endpoint, priceMsat: action.priceMsat, now });
  if (claim !== 'claimed') throw new AppError('payment_already_used', 'This L402 credential was already used; pay a new invoice.');
  let accountId = payer.accountId;
  let token: string | null = null;
  if (accountId === null) {
    token = newToken();
    accountId = (await createUserAccount(q, hashToken(token))).id;
  }
  // spent + booked lightning → revenue, in this transaction: it commits with the task or not at all
  if (!(await spendCredential(q, sys, { paymentHash: payer.paymentHash, now }))) throw new Error('an L402 credential claimed in this transaction could not be spent');
  return { accountId, newToken: token };
}

function verifyL402(deps: HireDeps, action: FeeAction, cred: L402Authorization): string {
  const verdict = verifyCredential({
    rootKey: deps.rootKey,
    macaroon: cred.macaroon,
    preimage: cred.preimage,
    api: HIRE_API,
    endpoint: action.endpoint,
    priceMsat: action.priceMsat,
    now: deps.now(),
  });
  if (verdict.ok) return verdict.paymentHash;
  switch (verdict.reason) {
    case 'preimage_mismatch':
      throw invalidL402('The preimage does not match the invoice this macaroon was issued for.');
    case 'expired':
      throw invalidL402('This L402 credential has expired; request a new invoice.');
    case 'wrong_endpoint':
    case 'wrong_service':
      throw invalidL402('This L402 credential was issued for another endpoint.');
    case 'price':
      throw invalidL402('This L402 credential was issued for a lower price than this action costs.');
    default:
      throw invalidL402('The L402 credential is not valid.');
  }
}
