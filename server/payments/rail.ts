// The doors a paid invoice comes through (L402, MPP, x402), seen alike: each verifies its own
// proof and names the invoice by payment hash, so one invoice is one credential, worth its value
// once whichever door it is shown at. A new rail is one file beside these and one line here.
import type { WalletBackend } from '../lightning/backend.js';
import { deriveKey } from '../wire/binding.js';
import { verifyL402, verifyL402Value } from './l402-rail.js';
import { verifyMpp } from './mpp-rail.js';
import type { PaidProof, RailContext } from './rail-types.js';
import type { Credentials, PaidAction, PaymentEvents } from './types.js';
import { verifyX402 } from './x402-rail.js';

export const DEFAULT_REALM = 'alittlebitofmoney';

export function railContext(d: { rootKey: Buffer; realm?: string; wallet: WalletBackend; now: () => number; events?: PaymentEvents }): RailContext {
  return { ...d, realm: d.realm ?? DEFAULT_REALM, mppKey: deriveKey(d.rootKey, 'mpp'), x402Key: deriveKey(d.rootKey, 'x402') };
}

const settled = async () => {};

/**
 * The invoice credential a request carries, verified, or null when it carries none. `exact`: a
 * single-use payment of this price (AI for Hire fees); else value-carrying (the proxy).
 */
export function verifyPaid(ctx: RailContext, action: PaidAction, creds: Credentials, exact: boolean): PaidProof | null {
  if (creds.l402) {
    const now = ctx.now();
    const proof = exact
      ? { paymentHash: verifyL402(ctx.rootKey, action, creds.l402, now), valueMsat: action.priceMsat }
      : verifyL402Value(ctx.rootKey, action, creds.l402, now);
    return { ...proof, reference: { rail: 'l402', paymentHash: proof.paymentHash }, confirm: settled, paidOnSight: true };
  }
  // a session credential is not an invoice credential: the gate pays it from its session
  if (creds.mpp && !creds.mpp.session) return verifyMpp(ctx, action, creds.mpp, exact);
  if (creds.x402) return verifyX402(ctx, action, creds.x402, exact);
  return null;
}

export type { PaidProof, RailContext } from './rail-types.js';
