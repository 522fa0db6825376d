// Either side disputes a delivery (before the review deadline): the escrow stays held and the
// operator divides it. An optional note goes into the thread.
import { useId, useState } from 'react';
import { api } from '../../api/client';
import type { Task } from '../../../../contract/hire-views';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatSats } from '../../lib/format';
import { heldSats } from '../../lib/hireEscrow';
import { TEXT_MAX } from '../../lib/hireValidation';
import { useHireAction } from './useHireAction';

export function DisputeTask({ token, task, onDone }: { token: string; task: Task; onDone: () => void }) {
  const id = useId();
  const action = useHireAction(onDone);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  // the operator divides what the escrow still holds; released milestones stay paid
  const held = heldSats(task);
  const escrow = held === null ? 'the escrow' : formatSats(held);

  if (!open) {
    return (
      <button type="button" className="btn btn-ghost btn-small" onClick={() => setOpen(true)} data-testid="dispute-toggle">
        Dispute…
      </button>
    );
  }
  return (
    <div className="stack action-panel" data-testid="dispute-form">
      <p>
        A dispute stops the automatic release: {escrow} stay in escrow until the operator decides how to divide them. Say what went
        wrong.
      </p>
      <label htmlFor={`${id}-note`}>Reason (optional, both sides see it)</label>
      <textarea id={`${id}-note`} rows={3} maxLength={TEXT_MAX} value={note} onChange={(e) => setNote(e.target.value)} data-testid="dispute-input" />
      {action.error ? <ErrorNotice error={action.error} title="The dispute was not opened" /> : null}
      <div className="row">
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={action.busy}
          onClick={() => void action.run(() => api.dispute(token, task.id, note.trim() || undefined))}
          data-testid="dispute-button"
        >
          {action.busy ? 'Opening…' : 'Open the dispute'}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
