// Why a delivery came back or is disputed, in the delivery's own section: the buyer's latest
// change request or the dispute's reason, as the thread of the accepted quote carries it.
import type { TaskRole } from '../../../../contract/hire-states';
import { formatTime } from '../../lib/format';
import type { DeliveryNote } from '../../lib/hireThread';

export function DeliveryNoteView({ note, reader }: { note: DeliveryNote; reader: TaskRole | null }) {
  const m = note.message;
  const who = m === null ? '' : m.sender === reader ? 'You' : `The ${m.sender}`;
  const asked = note.kind === 'revision_request';
  return (
    <div className="notice notice-warning stack" data-testid="delivery-note" data-kind={note.kind}>
      <p className="notice-title">{asked ? 'Changes asked for' : 'Disputed'}</p>
      {m ? (
        <>
          <p className="muted small">
            {who} {asked ? 'asked for these changes' : 'gave this reason'} on {formatTime(m.created_at)}:
          </p>
          <p className="prose" data-testid="delivery-note-body">
            {m.body}
          </p>
        </>
      ) : (
        <p data-testid="delivery-note-body">
          {asked
            ? `${reader === 'buyer' ? 'You' : 'The buyer'} sent the delivery back without a note: Messages is the place to ask what should change.`
            : 'No reason was given. The operator decides how the escrow is divided.'}
        </p>
      )}
    </div>
  );
}
