// Settling a payout once its outcome is known, and the reconcile pass for the ones whose
// outcome was unknown. Success: amount + fee leave to `lightning`, the unused fee reserve goes
// back; a clean failure: everything goes back. Each is a compare-and-set on `pending` with its
// journal entry, so a payout is settled once however many instances look it up.
import { payoutEvent } from './events.js';
import { createHash } from 'node:crypto';
import { postJournal, type SystemAccountIds } from '../ledger/index.js';
import type { PaymentOutcome } from '../lightning/backend.js';
import type { Queryable } from '../store/index.js';
import type { HireDeps } from './deps.js';
import { markPayoutFailed, markPayoutSucceeded, pendingPayouts, type PayoutRow } from './payouts-store.js';
import { inTx } from './tx.js';

/** A payment the wallet could not account for after this long past its invoice's expiry can never complete. */
export const NEVER_SEEN_GRACE_SECONDS = 600;

export type Settled = { kind: 'succeeded' | 'failed'; payout: PayoutRow };

/** A success without a matching preimage is not trusted as one: it stays pending. */
export function trustedOutcome(outcome: PaymentOutcome, paymentHash: string): PaymentOutcome {
  if (outcome.status !== 'succeeded') return outcome;
  const proof = /^[0-9a-f]{64}$/i.test(outcome.preimage) && createHash('sha256').update(Buffer.from(outcome.preimage, 'hex')).digest('hex') === paymentHash;
  return proof ? outcome : { status: 'pending', paymentHash };
}

/** Applies a definite outcome; null when the payout had already been settled (by anyone). */
export async function settlePayout(q: Queryable, sys: SystemAccountIds, payout: PayoutRow, outcome: PaymentOutcome, now: number): Promise<Settled | null> {
  const heldMsat = payout.amount_msat + payout.fee_reserve_msat;
  if (outcome.status === 'succeeded') {
    const row = await markPayoutSucceeded(q, { id: payout.id, feeMsat: outcome.feeMsat, preimage: outcome.preimage.toLowerCase(), now });
    if (!row) return null;
    const chargedFee = outcome.feeMsat < payout.fee_reserve_msat ? outcome.feeMsat : payout.fee_reserve_msat;
    await postJournal(q, {
      kind: 'hire_payout_paid',
      ref: payout.id,
      lines: [
        { accountId: sys.payouts_pending, amountMsat: -heldMsat },
        { accountId: sys.lightning, amountMsat: payout.amount_msat + outcome.feeMsat },
        { accountId: payout.account_id, amountMsat: payout.fee_reserve_msat - chargedFee },
        // a routing fee above the reserve is the operator's loss, never the user's
        { accountId: sys.revenue, amountMsat: chargedFee - outcome.feeMsat },
      ],
    });
    await payoutEvent(q, { accountId: payout.account_id, paymentHash: payout.payment_hash, amountMsat: payout.amount_msat, ok: true, now });
    return { kind: 'succeeded', payout: row };
  }
  if (outcome.status === 'failed') {
    const row = await markPayoutFailed(q, { id: payout.id, reason: outcome.reason, now });
    if (!row) return null;
    await postJournal(q, {
      kind: 'hire_payout_failed',
      ref: payout.id,
      lines: [
        { accountId: sys.payouts_pending, amountMsat: -heldMsat },
        { accountId: payout.account_id, amountMsat: heldMsat },
      ],
    });
    await payoutEvent(q, { accountId: payout.account_id, paymentHash: payout.payment_hash, amountMsat: payout.amount_msat, ok: false, now });
    return { kind: 'failed', payout: row };
  }
  return null;
}

/** Looks one pending payout up in the wallet and settles it if the outcome is now known. */
export async function reconcileOne(deps: HireDeps, payout: PayoutRow): Promise<Settled | null> {
  const now = deps.now();
  let outcome: PaymentOutcome | null;
  try {
    outcome = await deps.wallet.getPayment(payout.payment_hash);
  } catch (err) {
    deps.log?.warn({ payout: payout.id, err: (err as Error).message }, 'payout lookup failed; retried later');
    return null;
  }
  if (outcome === null) {
    // Never seen by the wallet: only once its invoice is long expired can it never be paid.
    const deadline = Math.max(Number(payout.invoice_expires_at), Number(payout.created_at)) + NEVER_SEEN_GRACE_SECONDS;
    if (now < deadline) return null;
    outcome = { status: 'failed', paymentHash: payout.payment_hash, reason: 'the wallet never sent this payment and its invoice has expired' };
  }
  outcome = trustedOutcome(outcome, payout.payment_hash);
  if (outcome.status === 'pending') return null;
  const definite = outcome;
  const settled = await inTx(deps.db, (q) => settlePayout(q, deps.ledger.sys, payout, definite, now));
  if (settled) deps.log?.info({ payout: payout.id, paymentHash: payout.payment_hash, outcome: settled.kind }, 'a payout whose outcome was unknown is settled');
  return settled;
}

/** One pass over payouts left pending for at least minAgeSeconds; idempotent. */
export async function reconcilePayouts(deps: HireDeps, minAgeSeconds = 60): Promise<{ succeeded: number; failed: number; pending: number }> {
  const counts = { succeeded: 0, failed: 0, pending: 0 };
  for (const payout of await pendingPayouts(deps.db, deps.now() - minAgeSeconds, 100)) {
    const settled = await reconcileOne(deps, payout);
    if (settled) counts[settled.kind]++;
    else counts.pending++;
  }
  return counts;
}
