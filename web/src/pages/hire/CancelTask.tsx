// The buyer cancels an open task; quotes are declined and nothing is escrowed yet.
import { api } from '../../api/client';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useHireAction } from './useHireAction';

export function CancelTask({ token, taskId, onDone }: { token: string; taskId: string; onDone: () => void }) {
  const action = useHireAction(onDone);
  return (
    <div className="row">
      <ConfirmAction
        label="Cancel this task"
        prompt="Cancel the task? Open quotes are declined; the posting fee is not refunded."
        confirmLabel="Cancel the task"
        busy={action.busy}
        onConfirm={() => void action.run(() => api.cancelTask(token, taskId))}
        testId="cancel-task-button"
        tone="secondary"
      />
      {action.error ? <ErrorNotice error={action.error} title="The task could not be cancelled" /> : null}
    </div>
  );
}
