// What a task page says about time and money, for each side: the deadlines that apply now, what
// sits in escrow, and where the escrow went once the task closed. Pure: the clock comes in.
import type { Task, TaskDetail } from '../../../contract/hire-views';
import { formatSats } from './format';
import { heldSats, settlement, stakeSats } from './hireEscrow';

export type Side = 'buyer' | 'contractor' | null;

export interface Deadline {
  key: 'expires' | 'delivery' | 'review';
  /** Unix seconds */
  at: number;
  /** "in 2 days", "in 3 h", "passed" */
  relative: string;
  label: string;
  /** what happens at the deadline, for this side */
  consequence: string;
}

const satsOr = (sats: number | null, otherwise: string): string => (sats === null ? otherwise : formatSats(sats));

/** A coarse "in …" for a deadline: days and hours, hours and minutes, or minutes. */
export function formatUntil(seconds: number): string {
  if (seconds <= 0) return 'passed';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `in ${days} ${days === 1 ? 'day' : 'days'}${hours > 0 ? ` ${hours} h` : ''}`;
  if (hours > 0) return `in ${hours} h${minutes > 0 ? ` ${minutes} min` : ''}`;
  return minutes > 0 ? `in ${minutes} min` : 'in less than a minute';
}

export function taskDeadlines(task: Task, side: Side, nowSeconds: number): Deadline[] {
  const at = (key: Deadline['key'], when: number | null, label: string, consequence: string): Deadline[] =>
    when === null ? [] : [{ key, at: when, relative: formatUntil(when - nowSeconds), label, consequence }];
  // a missed delivery refunds what is still held; a passed review releases the current milestone only
  const held = satsOr(heldSats(task), 'the escrow');
  const stake = satsOr(stakeSats(task), 'the escrow');
  switch (task.status) {
    case 'open':
      return at('expires', task.expires_at, 'Open for quotes until', side === 'buyer' ? 'Then the task expires unless you accept a quote.' : 'Then the task expires if no quote is accepted.');
    case 'awarded':
    case 'revision_requested':
      return at(
        'delivery',
        task.delivery_deadline_at,
        side === 'contractor' ? 'Deliver by' : 'Delivery due by',
        side === 'contractor'
          ? `Without a delivery by then, ${held} go back to the buyer.`
          : side === 'buyer'
            ? `Without a delivery by then, ${held} come back to your balance.`
            : 'Without a delivery by then, the escrow goes back to the buyer.',
      );
    case 'delivered':
      return at(
        'review',
        task.review_deadline_at,
        side === 'buyer' ? 'Review by' : 'Review until',
        side === 'buyer'
          ? `Confirm, ask for changes or dispute before then; otherwise ${stake} are released to the contractor automatically.`
          : side === 'contractor'
            ? `Unless the buyer asks for changes or disputes before then, ${stake} are released to you automatically.`
            : 'Then the escrow is released to the contractor unless the buyer acts.',
      );
    default:
      return [];
  }
}

/** Where the escrow went, in the words of the side reading it; null while the task is not closed. */
export function closingWords(task: TaskDetail, side: Side): string | null {
  const settled = settlement(task);
  const paid = satsOr(settled?.toContractor ?? null, 'the escrow');
  const back = satsOr(settled?.toBuyer ?? null, 'the escrow');
  // milestones released before a split stay paid: its words name them
  const released = task.released_sats > 0 ? formatSats(task.released_sats) : null;
  const how = task.outcome === 'review_deadline' ? ' (released automatically after the review deadline)' : task.outcome === 'admin_release' ? ' (the operator settled the dispute)' : '';
  switch (task.status) {
    case 'completed':
      if (side === 'contractor') return `Completed: ${paid} were added to your balance${how}. Withdraw them from the Account page.`;
      if (side === 'buyer') return `Completed: ${paid} went to the contractor${how}.`;
      return 'Completed.';
    case 'refunded': {
      const why = task.outcome === 'delivery_deadline' ? ' (nothing was delivered by the deadline)' : task.outcome === 'admin_refund' ? ' (the operator settled the dispute)' : '';
      // a refund returns what was still held: what the contractor got is the released milestones
      const kept = settled?.toContractor ? formatSats(settled.toContractor) : null;
      if (side === 'buyer') return `Refunded: ${back} came back to your balance${why}.${kept ? ` The contractor keeps ${kept} for released milestones.` : ''}`;
      if (side === 'contractor') return `Refunded: ${back} went back to the buyer${why}.${kept ? ` You keep ${kept} for released milestones.` : ''}`;
      return kept ? `Refunded: ${back} to the buyer; the contractor keeps ${kept} for released milestones.` : 'Refunded to the buyer.';
    }
    case 'split': {
      const known = settled !== null && settled.toContractor !== null && settled.toBuyer !== null;
      const inAll = released ? ` in all (${released} of it for milestones released before)` : '';
      if (known && side === 'contractor') return `The operator split the escrow: ${paid} to your balance${inAll}, ${back} back to the buyer.`;
      if (known && side === 'buyer') return `The operator split the escrow: ${back} back to your balance, ${paid} to the contractor${inAll}.`;
      return released ? `The operator split the escrow; the contractor keeps ${released} for milestones released before.` : 'The operator split the escrow.';
    }
    default:
      return null;
  }
}
