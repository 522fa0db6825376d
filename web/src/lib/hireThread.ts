// What a quote's message thread says beyond its messages: the buyer's latest change request or a
// dispute's reason (shown with the delivery), and which messages the reader has not seen yet.
// Pure, so it is tested. Reading a thread (GET …/messages) marks it read on the server, and the
// answer still says what was unread before: the page keeps that itself from then on.
import type { Message, TaskDetail } from '../../../contract/hire-views';
import type { TaskRole } from '../../../contract/hire-states';

/** A change request or a dispute, and who sent it. */
export type DeliveryNote = { kind: 'revision_request' | 'dispute'; message: Message | null };

/**
 * The note that explains the task's state: the latest change request while changes are asked
 * for, the dispute's reason while disputed — only one sent since the latest delivery (an older
 * one belongs to an earlier round). `message` is null when that request came without a note.
 */
export function deliveryNote(task: Pick<TaskDetail, 'status'>, messages: readonly Message[]): DeliveryNote | null {
  const kind = task.status === 'revision_requested' ? 'revision_request' : task.status === 'disputed' ? 'dispute' : null;
  if (kind === null) return null;
  let note: Message | null = null;
  for (const m of messages) {
    if (m.kind === 'delivery') note = null;
    else if (m.kind === kind) note = m;
  }
  return { kind, message: note };
}

/** Whether the task's state is explained by a note in the accepted quote's thread. */
export const wantsDeliveryNote = (status: string): boolean => status === 'revision_requested' || status === 'disputed';

/**
 * The other side's messages not seen yet, after a read of the thread: those it answered unread
 * join the ones not seen before; an open thread shows them all. Deliveries are shown with the
 * task, not counted here.
 */
export function nextUnseen(before: ReadonlySet<number>, messages: readonly Message[], reader: TaskRole, open: boolean): ReadonlySet<number> {
  if (open) return before.size === 0 ? before : new Set();
  const unseen = new Set(before);
  for (const m of messages) if (!m.read && m.sender !== reader && m.kind !== 'delivery') unseen.add(m.id);
  return unseen.size === before.size ? before : unseen;
}

/** How many unseen messages to announce, less the one shown already as the delivery note. */
export const unseenCount = (unseen: ReadonlySet<number>, shownNoteId: number | null): number =>
  unseen.size - (shownNoteId !== null && unseen.has(shownNoteId) ? 1 : 0);
