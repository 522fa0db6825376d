// The amounts a task page names, read from the task's own money fields (docs/hire.md, "Milestones"):
// price_sats is the whole escrow as accepted, released_sats what finished milestones already paid
// while it is held, and contractor_paid_sats / buyer_refunded_sats what each side got once closed.
import type { Task, TaskDetail } from '../../../contract/hire-views';

const HELD = new Set<Task['status']>(['awarded', 'delivered', 'revision_requested', 'disputed']);

/** What the escrow holds now (a missed deadline refunds it, a dispute divides it); null unless held. */
export function heldSats(task: Task): number | null {
  if (!HELD.has(task.status) || task.price_sats === null) return null;
  // released milestones already left the escrow (the server's audit: escrow = price − released)
  return task.price_sats - task.released_sats;
}

/** What confirming the current delivery (or its review deadline) releases: the current milestone's amount, else all that is held. */
export function stakeSats(task: Task): number | null {
  if (heldSats(task) === null) return null;
  const current = task.current_milestone === null ? undefined : task.milestones[task.current_milestone];
  return current ? current.amount_sats : heldSats(task);
}

/** The milestones paid so far, by their own statuses: the last one is paid by the close, which released_sats does not count. */
export function releasedMilestoneSats(task: Task): number {
  return task.milestones.filter((m) => m.status === 'released').reduce((sum, m) => sum + m.amount_sats, 0);
}

export interface Settlement {
  /** everything the contractor got, released milestones included; null when this viewer cannot know */
  toContractor: number | null;
  /** what came back to the buyer; null when this viewer cannot know */
  toBuyer: number | null;
}

type ClosedView = Task & Partial<Pick<TaskDetail, 'contractor_paid_sats' | 'buyer_refunded_sats'>>;

/**
 * Where a closed escrow went. The two sides see the server's figures; anyone else gets what the
 * public fields settle: a completion pays everything to the contractor, a refund returns what
 * was still held (released milestones stay paid), a split's shares are not public.
 */
export function settlement(task: ClosedView): Settlement | null {
  const paid = task.contractor_paid_sats ?? null;
  const back = task.buyer_refunded_sats ?? null;
  if (paid !== null && back !== null) return { toContractor: paid, toBuyer: back };
  const price = task.price_sats;
  switch (task.status) {
    case 'completed':
      return { toContractor: price, toBuyer: price === null ? null : 0 };
    case 'refunded':
      return { toContractor: task.released_sats, toBuyer: price === null ? null : price - task.released_sats };
    case 'split':
      return { toContractor: null, toBuyer: null };
    default:
      return null;
  }
}
