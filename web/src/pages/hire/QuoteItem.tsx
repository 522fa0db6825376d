// One quote on a task, with what its viewer may do: accept (buyer), edit (its contractor), talk (both).
import { useState } from 'react';
import { api } from '../../api/client';
import type { Quote, Task } from '../../../../contract/hire-views';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PaymentProblem } from '../../components/PaymentProblem';
import { StatusBadge } from '../../components/StatusBadge';
import { formatSats, formatTime } from '../../lib/format';
import { unseenCount } from '../../lib/hireThread';
import { AcceptQuote } from './AcceptQuote';
import { EditQuoteForm } from './EditQuoteForm';
import { MessageThread } from './MessageThread';
import { ProfileSummary } from './ProfileSummary';
import type { HireRole } from './useHireRole';
import { useHireAction } from './useHireAction';
import { useQuoteThread, type QuoteThread } from './useQuoteThread';

interface QuoteItemProps {
  task: Task;
  quote: Quote;
  role: HireRole;
  token: string | null;
  /** the page's refreshes: a thread read once reads again with each */
  round: number;
  /** the accepted quote's thread, which the page holds (its note shows with the delivery) */
  thread?: QuoteThread | undefined;
  /** this thread's unread messages as GET /me counted them, until the page reads it itself */
  serverUnread: number;
  /** the message shown as the delivery note: not counted again */
  shownNoteId: number | null;
  /** the task page's deal version: the contractor's record is read again when it changes */
  profileVersion?: string;
  onChanged: () => void;
}

export function QuoteItem({ task, quote, role, token, round, thread, serverUnread, shownNoteId, profileVersion = '', onChanged }: QuoteItemProps) {
  const accept = useHireAction(onChanged);
  const withdraw = useHireAction(onChanged);
  const [editing, setEditing] = useState(false);
  const mine = role.myQuote?.id === quote.id;
  const canTalk = token !== null && (role.isBuyer || mine);
  const reader = role.isBuyer ? 'buyer' : 'contractor';
  const own = useQuoteThread(token, task.id, canTalk && !thread ? quote.id : null, { wanted: false, round, reader });
  const talk = thread ?? own;
  const unread = talk.open ? 0 : talk.followed ? unseenCount(talk.unseen, shownNoteId) : serverUnread;
  const canAccept = token !== null && role.isBuyer && task.status === 'open' && quote.status === 'pending';

  return (
    <article className={`card quote${mine ? ' quote-mine' : ''}`} data-testid={`quote-${quote.id}`} aria-label={`Quote of ${formatSats(quote.price_sats)}`}>
      <header className="row spread">
        <strong data-testid="quote-price">{formatSats(quote.price_sats)}</strong>
        <StatusBadge status={quote.status} />
      </header>
      <p className="prose">{quote.description}</p>
      <ProfileSummary profileId={quote.contractor_profile} label={mine ? 'You' : 'Contractor'} version={profileVersion} />
      <p className="muted small">
        {mine ? 'Your quote · ' : ''}
        {formatTime(quote.created_at)}
      </p>
      <div className="row">
        {canAccept && token ? (
          <AcceptQuote priceSats={quote.price_sats} busy={accept.busy} onAccept={(price) => void accept.run(() => api.acceptQuote(token, task.id, quote.id, price))} />
        ) : null}
        {mine && quote.status === 'pending' ? (
          <button type="button" className="btn btn-secondary btn-small" aria-expanded={editing} onClick={() => setEditing((e) => !e)} data-testid="edit-quote-toggle">
            {editing ? 'Close editing' : 'Edit quote'}
          </button>
        ) : null}
        {mine && quote.status === 'pending' && token ? (
          <ConfirmAction
            label="Withdraw"
            prompt="Withdraw your quote? The quoting fee is not refunded."
            confirmLabel="Withdraw the quote"
            busy={withdraw.busy}
            onConfirm={() => void withdraw.run(() => api.withdrawQuote(token, task.id, quote.id))}
            testId="withdraw-quote-button"
            tone="secondary"
          />
        ) : null}
        {canTalk ? (
          <button type="button" className="btn btn-ghost btn-small" aria-expanded={talk.open} onClick={() => talk.setOpen(!talk.open)} data-testid="messages-toggle">
            {talk.open ? 'Hide messages' : 'Messages'}
            {unread > 0 ? (
              <span className="count-badge" data-testid="messages-unread">
                {unread} unread
              </span>
            ) : null}
          </button>
        ) : null}
      </div>
      {accept.error ? <PaymentProblem error={accept.error} /> : null}
      {withdraw.error ? <ErrorNotice error={withdraw.error} title="The quote could not be withdrawn" /> : null}
      {editing && token ? (
        <EditQuoteForm
          token={token}
          taskId={task.id}
          quote={quote}
          onDone={() => {
            setEditing(false);
            onChanged();
          }}
        />
      ) : null}
      {talk.open && token ? <MessageThread token={token} taskId={task.id} quoteId={quote.id} thread={talk} /> : null}
    </article>
  );
}
