// Rating the other side of a closed deal, once: stars and an optional comment.
import { useState } from 'react';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useHireAction } from './useHireAction';

export function RateDeal({ token, taskId, other, onDone }: { token: string; taskId: string; other: 'buyer' | 'contractor'; onDone: () => void }) {
  const [stars, setStars] = useState(5);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState(false);
  const rate = useHireAction(onDone);
  if (done) return <p className="muted" data-testid="rated">Thank you: your rating counts in the {other}’s record.</p>;
  return (
    <form
      className="card stack"
      data-testid="rate-deal"
      onSubmit={(e) => {
        e.preventDefault();
        void rate.run(() => api.rateTask(token, taskId, stars, comment.trim() || undefined)).then((ok) => setDone(ok));
      }}
    >
      <h2>Rate the {other}</h2>
      <label>
        Stars{' '}
        <select value={stars} onChange={(e) => setStars(Number(e.target.value))} data-testid="rate-stars">
          {[5, 4, 3, 2, 1].map((n) => (
            <option key={n} value={n}>
              {'★'.repeat(n)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Comment (optional)
        <input value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
      </label>
      {rate.error ? <ErrorNotice error={rate.error} title="The rating was not taken" /> : null}
      <button type="submit" disabled={rate.busy}>
        Rate
      </button>
    </form>
  );
}
