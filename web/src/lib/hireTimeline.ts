// What a task page says about time and money, for each side: the deadlines that apply now, what
// sits in escrow, and where the escrow went once the task closed. Pure: the clock comes in.
import type { Task, TaskDetail } from '../../../contract/hire-views';
import { formatSats } from './format';

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

const HELD = new Set(['awarded', 'delivered', 'revision_requested', 'disputed']);

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

/** The sats in escrow while the task holds them, else null. */
export function escrowSats(task: Task): number | null {
  return HELD.has(task.status) && task.price_sats !== null ? task.price_sats : null;
}

export function taskDeadlines(task: Task, side: Side, nowSeconds: number): Deadline[] {
  const at = (key: Deadline['key'], when: number | null, label: string, consequence: string): Deadline[] =>
    when === null ? [] : [{ key, at: when, relative: formatUntil(when - nowSeconds), label, consequence }];
  const escrow = task.price_sats !== null ? formatSats(task.price_sats) : 'the escrow';
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
          ? `Without a delivery by then, ${escrow} go back to the buyer.`
          : side === 'buyer'
            ? `Without a delivery by then, ${escrow} come back to your balance.`
            : 'Without a delivery by then, the escrow goes back to the buyer.',
      );
    case 'delivered':
      return at(
        'review',
        task.review_deadline_at,
        side === 'buyer' ? 'Review by' : 'Review until',
        side === 'buyer'
          ? `Confirm, ask for changes or dispute before then; otherwise ${escrow} are released to the contractor automatically.`
          : side === 'contractor'
            ? `Unless the buyer asks for changes or disputes before then, ${escrow} are released to you automatically.`
            : 'Then the escrow is released to the contractor unless the buyer acts.',
      );
    default:
      return [];
  }
}

/** Where the escrow went, in the words of the side reading it; null while the task is not closed. */
export function closingWords(task: TaskDetail, side: Side): string | null {
  const escrow = task.price_sats !== null ? formatSats(task.price_sats) : 'the escrow';
  const how = task.outcome === 'review_deadline' ? ' (released automatically after the review deadline)' : task.outcome === 'admin_release' ? ' (the operator settled the dispute)' : '';
  switch (task.status) {
    case 'completed':
      if (side === 'contractor') return `Completed: ${escrow} were added to your balance${how}. Withdraw them from the Account page.`;
      if (side === 'buyer') return `Completed: ${escrow} went to the contractor${how}.`;
      return 'Completed.';
    case 'refunded': {
      const why = task.outcome === 'delivery_deadline' ? ' (nothing was delivered by the deadline)' : task.outcome === 'admin_refund' ? ' (the operator settled the dispute)' : '';
      if (side === 'buyer') return `Refunded: ${escrow} came back to your balance${why}.`;
      if (side === 'contractor') return `Refunded: ${escrow} went back to the buyer${why}.`;
      return 'Refunded to the buyer.';
    }
    case 'split': {
      const paid = task.contractor_paid_sats;
      const back = task.buyer_refunded_sats;
      if (paid === null || paid === undefined || back === null || back === undefined) return 'The operator split the escrow.';
      if (side === 'contractor') return `The operator split the escrow: ${formatSats(paid)} to your balance, ${formatSats(back)} back to the buyer.`;
      if (side === 'buyer') return `The operator split the escrow: ${formatSats(back)} back to your balance, ${formatSats(paid)} to the contractor.`;
      return 'The operator split the escrow.';
    }
    default:
      return null;
  }
}
