// The delivery of a task: the contractor delivers, the buyer reads it and releases the escrow
// (of a milestone task, the current milestone's amount).
import { api } from '../../api/client';
import type { TaskRole } from '../../../../contract/hire-states';
import type { TaskDetail } from '../../../../contract/hire-views';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatSats, formatTime } from '../../lib/format';
import { stakeSats } from '../../lib/hireEscrow';
import type { DeliveryNote } from '../../lib/hireThread';
import { DeliverForm } from './DeliverForm';
import { DeliveryNoteView } from './DeliveryNoteView';
import { DisputeTask } from './DisputeTask';
import { RequestRevision } from './RequestRevision';
import type { HireRole } from './useHireRole';
import { useHireAction } from './useHireAction';

interface DeliverySectionProps {
  task: TaskDetail;
  role: HireRole;
  token: string | null;
  /** the change request or dispute reason behind the task's state, once read */
  note: DeliveryNote | null;
  /** the reader's side of the deal */
  side: TaskRole | null;
  onChanged: () => void;
}

export function DeliverySection({ task, role, token, note, side, onChanged }: DeliverySectionProps) {
  const confirm = useHireAction(onChanged);
  // a confirm releases the current milestone's amount, not the whole escrow
  const stake = stakeSats(task);
  const releasing = stake === null ? 'the escrow' : formatSats(stake);
  const isContractor = role.myQuote?.status === 'accepted';
  const canDeliver = token !== null && isContractor && (task.status === 'awarded' || task.status === 'revision_requested');
  const canConfirm = token !== null && role.isBuyer && task.status === 'delivered';
  const canDispute = token !== null && (role.isBuyer || isContractor) && task.status === 'delivered';

  if (!task.delivery && !canDeliver) return null;

  return (
    <section className="card stack" aria-labelledby="delivery-h" data-testid="delivery-section">
      <h2 id="delivery-h">Delivery</h2>
      {note ? <DeliveryNoteView note={note} reader={side} /> : null}
      {task.delivery ? (
        <>
          <p className="muted small">Delivered {formatTime(task.delivery.created_at)}</p>
          <div className="prose delivery" data-testid="delivery-body">
            {task.delivery.body}
          </div>
        </>
      ) : null}
      {canDeliver && token ? <DeliverForm token={token} taskId={task.id} onDone={onChanged} /> : null}
      {canConfirm || canDispute ? (
        <div className="row actions" data-testid="delivery-actions">
          {canConfirm && token ? (
            <ConfirmAction
              label={`Confirm delivery and release ${releasing}`}
              prompt={`Release ${releasing} from escrow to the contractor? This cannot be undone.`}
              confirmLabel="Release the sats"
              busy={confirm.busy}
              onConfirm={() => void confirm.run(() => api.confirm(token, task.id))}
              testId="confirm-delivery-button"
            />
          ) : null}
          {canConfirm && token ? <RequestRevision token={token} task={task} onDone={onChanged} /> : null}
          {canDispute && token ? <DisputeTask token={token} task={task} onDone={onChanged} /> : null}
        </div>
      ) : null}
      {confirm.error ? <ErrorNotice error={confirm.error} title="The delivery could not be confirmed" /> : null}
    </section>
  );
}
