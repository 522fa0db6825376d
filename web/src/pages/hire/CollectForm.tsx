// Withdraw: pay a BOLT11 invoice from the token's balance (routing fee only, no service fee).
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { Payout } from '../../../../contract/hire-views';
import { Field } from '../../components/Field';
import { formatMsat, formatSats } from '../../lib/format';
import { looksLikeInvoice, stripLightningPrefix } from '../../lib/lightning';
import { useHealth } from '../../hooks/useHealth';
import type { DevInvoice } from '../../../../contract/api';
import { CollectRefusal } from './CollectRefusal';
import { DevPayeeInvoice } from './DevPayeeInvoice';
import { useHireAction } from './useHireAction';

export function CollectForm({ token, onDone }: { token: string; onDone?: () => void }) {
  const id = useId();
  const action = useHireAction(onDone);
  const [invoice, setInvoice] = useState('');
  const [touched, setTouched] = useState(false);
  const [result, setResult] = useState<Payout | null>(null);
  /** the development payee wallet's invoice in the field, to show what it received */
  const [devInvoice, setDevInvoice] = useState<DevInvoice | null>(null);
  const [payeeBalance, setPayeeBalance] = useState<number | null>(null);
  const { isDevWallet } = useHealth();
  const valid = looksLikeInvoice(invoice);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (!valid) return;
    setResult(null);
    setPayeeBalance(null);
    const paying = stripLightningPrefix(invoice);
    const toDevPayee = devInvoice?.invoice === paying ? devInvoice : null;
    await action.run(async () => {
      setResult(await api.collect(token, paying));
      setInvoice('');
      setTouched(false);
      setDevInvoice(null);
      if (toDevPayee) setPayeeBalance((await api.getDevInvoice(toDevPayee.payment_hash)).payee_balance_sats);
    });
  };

  const useDevInvoice = (made: DevInvoice): void => {
    setDevInvoice(made);
    setInvoice(made.invoice);
    setResult(null);
    action.clear();
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
      {isDevWallet ? <DevPayeeInvoice onInvoice={useDevInvoice} /> : null}
      {action.error ? <CollectRefusal error={action.error} /> : null}
      {result ? (
        <div className="notice notice-success" role="status" data-testid="collect-result">
          <p className="notice-title">Paid {formatMsat(result.paid_msat)}</p>
          <p>
            Routing fee {formatMsat(result.fee_msat)}. Balance now {formatSats(result.balance_sats)}.
          </p>
          {payeeBalance !== null ? <p data-testid="dev-payee-received">The development payee wallet received it; its balance is now {formatSats(payeeBalance)}.</p> : null}
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
