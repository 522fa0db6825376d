// A button that asks once more before doing something that moves money.
import { useState } from 'react';

interface ConfirmActionProps {
  label: string;
  /** the question shown before the action runs */
  prompt: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  testId: string;
  /** secondary for actions that are not the page's main one */
  tone?: 'primary' | 'secondary';
}

export function ConfirmAction({ label, prompt, confirmLabel, busy, onConfirm, testId, tone = 'primary' }: ConfirmActionProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={`btn btn-${tone} btn-small`} onClick={() => setAsking(true)} disabled={busy} data-testid={testId}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={prompt}>
      <p>{prompt}</p>
      <div className="row">
        <button
          type="button"
          className="btn btn-primary btn-small"
          disabled={busy}
          onClick={() => {
            onConfirm();
            setAsking(false);
          }}
          data-testid={`${testId}-confirm`}
          autoFocus
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setAsking(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
