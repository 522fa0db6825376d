// Paying with an MPP credential (HTTP "Payment", Lightning charge): the echoed challenge must be
// ours, for this endpoint and unexpired; the preimage must hash to the invoice's payment hash.
// Then it is the same credential as the L402 one for that invoice. Verified in memory.
import { invalidL402 } from '../errors.js';
import { verifyMppCredential, type MppFailure } from '../mpp/binding.js';
import type { MppCredential } from '../mpp/header.js';
import type { PaidProof, RailContext } from './rail-types.js';
import type { PaidAction } from './types.js';

export function verifyMpp(ctx: RailContext, action: PaidAction, credential: MppCredential, exact: boolean): PaidProof {
  const now = ctx.now();
  const verdict = verifyMppCredential({ key: ctx.mppKey, realm: ctx.realm, endpoint: action.endpoint, credential, now, ...(exact ? { priceMsat: action.priceMsat } : {}) });
  if (!verdict.ok) throw invalidL402(message(verdict.reason));
  return {
    paymentHash: verdict.paymentHash,
    valueMsat: exact ? action.priceMsat : verdict.valueMsat,
    reference: { rail: 'mpp', paymentHash: verdict.paymentHash, challengeId: verdict.challengeId, paidAt: now },
    confirm: async () => {},
    paidOnSight: true,
  };
}

function message(reason: MppFailure): string {
  switch (reason) {
    case 'foreign_realm':
      return 'This Payment credential answers a challenge of another realm.';
    case 'unsupported':
      return 'Only the Payment method "lightning" with intent "charge" is accepted here.';
    case 'expired':
      return 'This Payment challenge has expired; request a new invoice.';
    case 'preimage_mismatch':
      return 'The preimage does not match the invoice of this challenge.';
    case 'price':
      return 'This Payment challenge was issued for a lower price than this request costs.';
    default:
      return 'This Payment credential does not answer a challenge of ours for this endpoint.';
  }
}
