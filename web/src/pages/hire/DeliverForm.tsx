// The accepted contractor hands in the work (text, links) for the buyer to review.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { checkText, TEXT_MAX } from '../../lib/hireValidation';
import { useHireAction } from './useHireAction';

export function DeliverForm({ token, taskId, onDone }: { token: string; taskId: string; onDone: () => void }) {
  const id = useId();
  const action = useHireAction(onDone);
  const [body, setBody] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = checkText(body, 'The delivery', TEXT_MAX);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (!problem) void action.run(() => api.deliver(token, taskId, body));
  };

  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="deliver-form">
      <Field id={`${id}-body`} label="Your delivery" hint="The result itself, or where to find it." error={touched ? problem : undefined}>
        <textarea rows={8} maxLength={TEXT_MAX} value={body} onChange={(e) => setBody(e.target.value)} data-testid="deliver-input" />
      </Field>
      {action.error ? <ErrorNotice error={action.error} title="The delivery was not accepted" /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.busy} data-testid="deliver-button">
          {action.busy ? 'Delivering…' : 'Deliver'}
        </button>
      </div>
    </form>
  );
}
