// The low-balance alert (GET / PUT /api/v1/balance/alert): what it is now, set it, clear it. An
// agent spending this token then hears "X-Balance-Low: true" on paid answers before it meets a 402.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useAsync } from '../../hooks/useAsync';
import { alertInWords, checkAlertAmount } from '../../lib/balanceAlert';

export function BalanceAlertCard({ token }: { token: string }) {
  const id = useId();
  const current = useAsync((signal) => api.getBalanceAlert(token, signal), token);
  /** what the last change answered, newer than the read */
  const [saved, setSaved] = useState<number | null | undefined>(undefined);
  const [input, setInput] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const below = saved !== undefined ? saved : current.data?.below_sats;

  const change = (belowSats: number | null): void => {
    setBusy(true);
    setFailure(null);
    api.setBalanceAlert(token, belowSats).then(
      (answer) => {
        setBusy(false);
        setSaved(answer.below_sats);
        setInput('');
      },
      (e: unknown) => {
        setBusy(false);
        setFailure(toApiError(e));
      },
    );
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const check = checkAlertAmount(input);
    setFieldError(check.ok ? undefined : check.message);
    if (check.ok) change(check.sats);
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby={`${id}-h`} data-testid="balance-alert">
      <h2 id={`${id}-h`}>Low-balance alert</h2>
      {current.error && saved === undefined ? <ErrorNotice error={current.error} title="The alert could not be read" onRetry={current.reload} /> : null}
      <p role="status" data-testid="balance-alert-now">
        {below !== undefined ? alertInWords(below) : current.error ? null : <span className="skeleton-inline">Loading…</span>}
      </p>
      <Field id={`${id}-below`} label="Alert below (sats)" hint="For agents spending this token: they can top up before a call is refused." error={fieldError}>
        <input inputMode="numeric" autoComplete="off" value={input} onChange={(e) => setInput(e.target.value)} data-testid="balance-alert-input" />
      </Field>
      {failure ? <ErrorNotice error={failure} title="The alert could not be changed" /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="balance-alert-set">
          Set the alert
        </button>
        {below !== undefined && below !== null ? (
          <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => change(null)} data-testid="balance-alert-clear">
            Clear the alert
          </button>
        ) : null}
      </div>
    </form>
  );
}
