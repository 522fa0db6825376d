// Withdraw: pay a BOLT11 invoice from the token's balance (routing fee only, no service fee).
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { Payout } from '../../../../contract/hire-views';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { formatSats } from '../../lib/format';
import { looksLikeInvoice, stripLightningPrefix } from '../../lib/lightning';
import { useHireAction } from './useHireAction';

export function CollectForm({ token, onDone }: { token: string; onDone?: () => void }) {
  const id = useId();
  const action = useHireAction(onDone);
  const [invoice, setInvoice] = useState('');
  const [touched, setTouched] = useState(false);
  const [result, setResult] = useState<Payout | null>(null);
  const valid = looksLikeInvoice(invoice);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (!valid) return;
    setResult(null);
    await action.run(async () => {
      setResult(await api.collect(token, stripLightningPrefix(invoice)));
      setInvoice('');
      setTouched(false);
    });
  };

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-h`} data-testid="collect-form">
      <h2 id={`${id}-h`}>Withdraw</h2>
      <p className="muted">
        Create an invoice in your wallet for the amount to withdraw and paste it here. Only the Lightning routing fee is kept; a small
        reserve is held while paying.
      </p>
      <Field id={`${id}-invoice`} label="BOLT11 invoice" error={touched && !valid ? 'Paste a Lightning invoice (it starts with lnbc…).' : undefined}>
        <textarea rows={3} className="mono" spellCheck={false} value={invoice} onChange={(e) => setInvoice(e.target.value)} data-testid="collect-invoice-input" />
      </Field>
      {action.error ? <ErrorNotice error={action.error} title="The withdrawal did not go through" /> : null}
      {result ? (
        <div className="notice notice-success" role="status" data-testid="collect-result">
          <p className="notice-title">Paid {formatSats(result.paid_sats)}</p>
          <p>
            Routing fee {formatSats(result.fee_sats)}. Balance now {formatSats(result.balance_sats)}.
          </p>
          <p className="small muted mono wrap">Preimage {result.preimage}</p>
        </div>
      ) : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.busy} data-testid="collect-button">
          {action.busy ? 'Paying…' : 'Withdraw'}
        </button>
      </div>
    </form>
  );
}
