// An operator resolves a disputed task: release (all to the contractor), refund (all back to
// the buyer) or split (the contractor's or the buyer's share in sats, the rest to the other). One
// compare-and-set on `disputed` with its journal entry, so a resolution happens once.
import type { TaskOutcome } from '../../contract/hire-states.js';
import { AppError } from '../errors.js';
import type { HireDeps } from './deps.js';
import { invalidField, invalidState, notFound } from './errors.js';
import { closeEscrow, type ClosedStatus } from './escrow.js';
import { taskEvent } from './events.js';
import { findTask, type TaskRow } from './tasks-store.js';
import { inTx } from './tx.js';

export type Resolution =
  | { kind: 'release' }
  | { kind: 'refund' }
  | { kind: 'split'; contractorSats: number }
  | { kind: 'split'; buyerSats: number }
  // both shares named: they must add up to what the escrow holds
  | { kind: 'split'; buyerSats: number; contractorSats: number };

export async function resolveDispute(deps: HireDeps, taskId: string, resolution: Resolution): Promise<TaskRow> {
  const { db } = deps;
  const { sys } = deps.ledger;
  const task = await findTask(db, taskId);
  if (!task) throw notFound('No task has this id.');
  if (task.status !== 'disputed') throw invalidState(`The task is ${task.status}; only a disputed task can be resolved.`);
  const plan = planOf(resolution, task.escrow_msat! - task.released_msat);
  return inTx(db, async (q) => {
    const now = deps.now();
    const closed = await closeEscrow(q, sys, { taskId, from: ['disputed'], ...plan, now });
    if (!closed) throw invalidState('The task is no longer disputed.');
    await taskEvent(q, closed, 'task.resolved', now, { outcome: closed.outcome, contractor_paid_sats: Number(closed.contractor_paid_msat! / 1000n), buyer_refunded_sats: Number(closed.buyer_refunded_msat! / 1000n) });
    return closed;
  });
}

function planOf(r: Resolution, escrowMsat: bigint): { status: ClosedStatus; outcome: TaskOutcome; contractorMsat: bigint | null } {
  switch (r.kind) {
    case 'release':
      return { status: 'completed', outcome: 'admin_release', contractorMsat: null };
    case 'refund':
      return { status: 'refunded', outcome: 'admin_refund', contractorMsat: 0n };
    case 'split': {
      const escrowSats = escrowMsat / 1000n;
      const [field, share] = 'buyerSats' in r ? ['buyer_sats', r.buyerSats] : ['contractor_sats', r.contractorSats];
      if (!Number.isInteger(share) || share < 1 || BigInt(share) >= escrowSats) {
        throw invalidField(field, `A split gives each side from 1 to ${escrowSats - 1n} sats of the ${escrowSats} still in escrow; use release or refund for all of it.`);
      }
      const contractorSats = 'buyerSats' in r ? escrowSats - BigInt(share) : BigInt(share);
      if ('buyerSats' in r && 'contractorSats' in r && BigInt(r.contractorSats) !== contractorSats) {
        throw invalidField('contractor_sats', `buyer_sats and contractor_sats must add up to the ${escrowSats} sats still in escrow (they add up to ${r.buyerSats + r.contractorSats}); or name one share only.`);
      }
      return { status: 'split', outcome: 'admin_split', contractorMsat: contractorSats * 1000n };
    }
    default:
      throw new AppError('invalid_field_value', 'resolution must be release, refund or split.', { field: 'resolution' });
  }
}
