// Amount presets and a free amount checked against the catalog's limits; refill or new token.
import { useId, useState, type FormEvent } from 'react';
import type { ApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { checkAmount, presetsWithin, type AmountLimits } from '../../lib/amount';
import { useHealth } from '../../hooks/useHealth';
import { formatFiat } from '../../lib/fiat';
import { formatNumber, shortToken } from '../../lib/format';

interface AmountFormProps {
  limits: AmountLimits;
  token: string | null;
  initialAmount: string;
  creating: boolean;
  error: ApiError | null;
  onCreate: (sats: number, refillToken: string | null) => void;
}

export function AmountForm({ limits, token, initialAmount, creating, error, onCreate }: AmountFormProps) {
  const id = useId();
  const [amount, setAmount] = useState(initialAmount || '1000');
  const [refill, setRefill] = useState(token !== null);
  const [touched, setTouched] = useState(false);
  const check = checkAmount(amount, limits);
  const fiat = useHealth().data?.fiat;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (check.ok) onCreate(check.sats, refill && token ? token : null);
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate>
      <fieldset className="presets">
        <legend>Amount</legend>
        <div className="row">
          {presetsWithin(limits).map((p) => (
            <button
              key={p}
              type="button"
              className="btn btn-secondary"
              aria-pressed={check.ok && check.sats === p}
              onClick={() => setAmount(String(p))}
              data-testid={`topup-preset-${p}`}
            >
              {formatNumber(p)} sats
            </button>
          ))}
        </div>
      </fieldset>
      <Field
        id={`${id}-amount`}
        label="Amount in sats"
        hint={`From ${formatNumber(limits.min_sats)} to ${formatNumber(limits.max_sats)} sats.${check.ok && fiat ? ` ${formatNumber(check.sats)} sats ${formatFiat(check.sats, fiat)} at the operator's rate.` : ''}`}
        error={touched && !check.ok ? check.message : undefined}
      >
        <input
          inputMode="numeric"
          autoComplete="off"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          onBlur={() => setTouched(true)}
          data-testid="topup-amount-input"
        />
      </Field>
      {token ? (
        <fieldset>
          <legend>Credit</legend>
          <label className="check">
            <input type="radio" name={`${id}-target`} checked={refill} onChange={() => setRefill(true)} data-testid="topup-target-refill" />
            Add to my token {shortToken(token)}
          </label>
          <label className="check">
            <input type="radio" name={`${id}-target`} checked={!refill} onChange={() => setRefill(false)} data-testid="topup-target-new" />
            Create a new token
          </label>
        </fieldset>
      ) : (
        <p className="muted small">You will get a new token once the invoice is paid. Have one already? Enter it on the Account page to refill it.</p>
      )}
      {error ? <ErrorNotice error={error} title="The invoice could not be created" /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={creating} data-testid="create-invoice-button">
          {creating ? 'Creating the invoice…' : 'Create invoice'}
        </button>
      </div>
    </form>
  );
}
