// The private thread between a task's buyer and one quote's contractor; read again with each of
// the task page's refreshes (on live events, or its slow poll while they are down).
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { useAsync } from '../../hooks/useAsync';
import { formatTime } from '../../lib/format';
import { checkText, TEXT_MAX } from '../../lib/hireValidation';
import { useHireAction } from './useHireAction';

export function MessageThread({ token, taskId, quoteId, round }: { token: string; taskId: string; quoteId: string; round: number }) {
  const id = useId();
  const thread = useAsync((signal) => api.getMessages(token, taskId, quoteId, signal), `${token}:${taskId}:${quoteId}:${round}`);
  const send = useHireAction(thread.reload);
  const [body, setBody] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = checkText(body, 'The message', TEXT_MAX);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (problem) return;
    if (await send.run(() => api.postMessage(token, taskId, quoteId, body))) {
      setBody('');
      setTouched(false);
    }
  };

  return (
    <div className="thread stack" data-testid="message-thread">
      {thread.error ? <ErrorNotice error={thread.error} title="Messages could not be loaded" onRetry={thread.reload} /> : null}
      {!thread.data && thread.loading ? <Skeleton lines={2} label="Loading messages…" /> : null}
      {thread.data && thread.data.length === 0 ? <p className="muted small">No messages yet.</p> : null}
      {thread.data && thread.data.length > 0 ? (
        <ol className="messages" aria-label="Messages">
          {thread.data.map((m) => (
            <li key={m.id} className={`message from-${m.sender}`} data-testid="message">
              <p className="muted small">
                {m.sender} · {formatTime(m.created_at)}
              </p>
              <p className="prose">{m.body}</p>
            </li>
          ))}
        </ol>
      ) : null}
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor={`${id}-msg`}>New message</label>
        <textarea
          id={`${id}-msg`}
          rows={3}
          maxLength={TEXT_MAX}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-invalid={touched && problem ? true : undefined}
          data-testid="message-input"
        />
        {touched && problem ? <p className="field-error">{problem}</p> : null}
        {send.error ? <ErrorNotice error={send.error} title="The message was not sent" /> : null}
        <div className="row">
          <button type="submit" className="btn btn-secondary btn-small" disabled={send.busy} data-testid="send-message-button">
            {send.busy ? 'Sending…' : 'Send message'}
          </button>
        </div>
      </form>
    </div>
  );
}
