// The private thread between a task's buyer and one quote's contractor, as the page holds it
// (useQuoteThread: read again with each of the task page's refreshes), and a form to write in it.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { MessageKind } from '../../../../contract/hire-states';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { formatTime } from '../../lib/format';
import { checkText, TEXT_MAX } from '../../lib/hireValidation';
import { useHireAction } from './useHireAction';
import type { QuoteThread } from './useQuoteThread';

/** what a message that is not a plain one did */
const KIND_WORDS: Record<MessageKind, string> = {
  message: '',
  delivery: ' · delivered',
  revision_request: ' · asked for changes',
  dispute: ' · disputed',
};

interface MessageThreadProps {
  token: string;
  taskId: string;
  quoteId: string;
  thread: QuoteThread;
}

export function MessageThread({ token, taskId, quoteId, thread }: MessageThreadProps) {
  const id = useId();
  const send = useHireAction(thread.reload);
  const [body, setBody] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = checkText(body, 'The message', TEXT_MAX);
  const messages = thread.messages;

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
      {!messages && thread.loading ? <Skeleton lines={2} label="Loading messages…" /> : null}
      {messages && messages.length === 0 ? <p className="muted small">No messages yet.</p> : null}
      {messages && messages.length > 0 ? (
        <ol className="messages" aria-label="Messages">
          {messages.map((m) => (
            <li key={m.id} className={`message from-${m.sender}`} data-testid="message" data-kind={m.kind}>
              <p className="muted small">
                {m.sender}
                {KIND_WORDS[m.kind]} · {formatTime(m.created_at)}
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
