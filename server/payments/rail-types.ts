// What every rail shares: the context it verifies in and the proof of a paid invoice it gives
// back (kept apart from rail.ts, which dispatches to the rails, so rails need not import it).
import type { WalletBackend } from '../lightning/backend.js';
import type { PaymentEvents, PaymentReference } from './types.js';

export interface RailContext {
  rootKey: Buffer;
  mppKey: Buffer;
  x402Key: Buffer;
  /** the MPP realm our challenges name */
  realm: string;
  wallet: WalletBackend;
  now: () => number;
  events?: PaymentEvents;
}

/** A verified proof of a paid invoice: the credential is keyed by its payment hash. */
export interface PaidProof {
  paymentHash: string;
  /** what the credential is worth: its invoice amount (value-carrying), or the price (single use) */
  valueMsat: bigint;
  reference: PaymentReference;
  /** the checks that need the node (x402's "is it paid?"); done before the credential is first funded or claimed */
  confirm(): Promise<void>;
  /** the proof shows the invoice paid by itself (a preimage): confirm() asks nothing, so a first use may fund at once */
  paidOnSight: boolean;
}

