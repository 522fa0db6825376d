// The buyer sends a delivery back for changes, while revisions are left, with an optional note.
import { useId, useState } from 'react';
import { api } from '../../api/client';
import type { Task } from '../../../../contract/hire-views';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TEXT_MAX } from '../../lib/hireValidation';
import { useHireAction } from './useHireAction';

export function RequestRevision({ token, task, onDone }: { token: string; task: Task; onDone: () => void }) {
  const id = useId();
  const action = useHireAction(onDone);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const left = task.max_revisions - task.revisions_used;
  if (left <= 0) return <p className="muted small">No revisions left: confirm, or ask the operator to settle a dispute.</p>;

  if (!open) {
    return (
      <button type="button" className="btn btn-secondary btn-small" onClick={() => setOpen(true)} data-testid="request-revision-toggle">
        Ask for changes ({left} left)
      </button>
    );
  }
  return (
    <div className="stack" data-testid="request-revision-form">
      <label htmlFor={`${id}-note`}>What should change (optional)</label>
      <textarea id={`${id}-note`} rows={4} maxLength={TEXT_MAX} value={note} onChange={(e) => setNote(e.target.value)} data-testid="request-revision-input" />
      {action.error ? <ErrorNotice error={action.error} title="The request was not sent" /> : null}
      <div className="row">
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={action.busy}
          onClick={() => void action.run(() => api.requestRevision(token, task.id, note.trim() || undefined))}
          data-testid="request-revision-button"
        >
          {action.busy ? 'Sending…' : 'Send back for changes'}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
