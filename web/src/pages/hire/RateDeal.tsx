// Rating the other side of a closed deal, once: stars and an optional comment, laid out as the
// other forms are (labelled fields, a primary button).
import { useId, useState } from 'react';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useHireAction } from './useHireAction';

/** `rated`: the task says this side rated it already (one rating each, never changed). */
export function RateDeal({ token, taskId, other, rated, onDone }: { token: string; taskId: string; other: 'buyer' | 'contractor'; rated: boolean; onDone: () => void }) {
  const id = useId();
  const [stars, setStars] = useState(5);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState(false);
  const rate = useHireAction(onDone);
  if (done) return <p className="muted" data-testid="rated">Thank you: your rating counts in the {other}’s record.</p>;
  if (rated) return <p className="muted" data-testid="rated">You rated the {other} for this deal; a rating stays as given.</p>;
  return (
    <form
      className="card stack"
      data-testid="rate-deal"
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => {
        e.preventDefault();
        void rate.run(() => api.rateTask(token, taskId, stars, comment.trim() || undefined)).then((ok) => setDone(ok));
      }}
    >
      <h2 id={`${id}-h`}>Rate the {other}</h2>
      <Field id={`${id}-stars`} label="Stars">
        <select value={stars} onChange={(e) => setStars(Number(e.target.value))} data-testid="rate-stars">
          {[5, 4, 3, 2, 1].map((n) => (
            <option key={n} value={n}>
              {'★'.repeat(n)} ({n} of 5)
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-comment`} label="Comment (optional)">
        <textarea rows={3} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} data-testid="rate-comment" />
      </Field>
      {rate.error ? <ErrorNotice error={rate.error} title="The rating was not taken" /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={rate.busy} data-testid="rate-button">
          {rate.busy ? 'Rating…' : 'Rate'}
        </button>
      </div>
    </form>
  );
}
