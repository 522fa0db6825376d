// The words of a paid action, shared by every rail (token, L402) and every caller (proxy, hire).
import type { L402Authorization } from '../l402/header.js';
import type { MppCredential } from '../mpp/header.js';
import type { X402Payment } from '../x402/header.js';

export interface PaidAction {
  /** the service caveat, e.g. "openai" or "ai-for-hire" */
  api: string;
  /** `<METHOD> <public path>`, bound into the credential */
  endpoint: string;
  priceMsat: bigint;
  /** shown in the invoice description (≤ 128 characters) */
  description: string;
  /** an MPP session may pay it: its 402 also offers the session intent on the same invoice */
  sessions?: boolean;
  /**
   * a metered stream's least cost (its input, no output): a session holding at least this, but
   * less than the ceiling, may start it; the stream pauses for a top-up where the money ends
   */
  floorMsat?: bigint;
  /**
   * paid by token, its hold may come from those reserved ahead (ABL_RESERVE_AHEAD), of this
   * amount: a flat price, or a metered ceiling rounded up so that calls of similar size share them
   */
  aheadMsat?: bigint;
  /** charged what it used (metered): holds taken ahead for it keep one back for the change (payments/reserve-ahead.ts) */
  changeBack?: boolean;
}

export interface Credentials {
  token: string | null;
  l402: L402Authorization | null;
  /** `Authorization: Payment …` (MPP, Lightning charge) */
  mpp?: MppCredential | null;
  /** `PAYMENT-SIGNATURE` (x402 v2, Lightning exact) */
  x402?: X402Payment | null;
}

/** Which door a paid invoice came through, and what its receipt names. One invoice, one credential. */
export type PaymentReference =
  | { rail: 'l402'; paymentHash: string }
  | { rail: 'mpp'; paymentHash: string; challengeId: string; /** Unix seconds */ paidAt: number }
  | { rail: 'x402'; paymentHash: string; network: string; invoice: string; /** Unix seconds */ paidAt: number };

/** What a paid action cost, for the answer's headers: one shape for every route. */
export interface Receipt {
  kind: 'free' | 'token' | 'l402';
  /** the paid call's id (X-Request-Id, GET /api/v1/usage/{id}) */
  requestId?: string;
  /** null while not known yet: a metered stream settles at its end */
  chargedMsat: bigint | null;
  /** a metered stream's reservation: the most it will be charged */
  maxChargeMsat?: bigint;
  /** the paying (or named) token's balance once this charge is taken; null without a token */
  balanceMsat: bigint | null;
  /** the token's low-balance threshold, when it set one (X-Balance-Low below it) */
  lowBalanceMsat?: bigint | null;
  /** paid by an invoice (L402, MPP, x402): the rail's receipt */
  payment?: PaymentReference;
}

/** The balance after the charge is below the token's low-balance threshold (X-Balance-Low). */
export const balanceIsLow = (r: Receipt): boolean => r.balanceMsat !== null && r.lowBalanceMsat != null && r.balanceMsat < r.lowBalanceMsat;

export type PaidKind = 'token' | PaymentReference['rail'];

/** What the gate reports as it works (metrics); optional, never on the critical path. */
export interface PaymentEvents {
  challenged(api: string): void;
  /** kind: the token, or the door an invoice credential came through */
  charged(api: string, kind: PaidKind, msat: bigint): void;
  refunded(api: string, kind: PaidKind, msat: bigint): void;
  walletFailed(operation: string): void;
}
