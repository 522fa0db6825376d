// Development mode only: "someone else's wallet". Makes an invoice of the development payee wallet,
// which the server's development node can pay, and hands it to the withdraw form.
import { useId, useState } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import type { DevInvoice } from '../../../../contract/api';
import { ErrorNotice } from '../../components/ErrorNotice';

const DEFAULT_SATS = 100;

export function DevPayeeInvoice({ onInvoice }: { onInvoice: (invoice: DevInvoice) => void }) {
  const id = useId();
  const [amount, setAmount] = useState(String(DEFAULT_SATS));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const sats = Number(amount);
  const valid = Number.isSafeInteger(sats) && sats >= 1;

  const make = async (): Promise<void> => {
    if (!valid) return;
    setBusy(true);
    setError(null);
    try {
      onInvoice(await api.devInvoice(sats));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dev-payee stack" data-testid="dev-payee">
      <p className="small muted">
        This server runs a development Lightning node, so no wallet of yours can be paid. Its development payee wallet stands in for
        someone else’s wallet: make an invoice there and withdraw to it (no real sats).
      </p>
      <div className="row">
        <label htmlFor={`${id}-sats`} className="small">
          Amount (sats)
        </label>
        <input
          id={`${id}-sats`}
          className="input-narrow"
          inputMode="numeric"
          value={amount}
          onChange={(e) => setAmount(e.target.value.trim())}
          aria-invalid={valid ? undefined : true}
          data-testid="dev-payee-amount"
        />
        <button type="button" className="btn btn-secondary btn-small" disabled={busy || !valid} onClick={() => void make()} data-testid="dev-payee-button">
          {busy ? 'Making the invoice…' : 'Make an invoice with the development payee wallet'}
        </button>
      </div>
      {error ? <ErrorNotice error={error} title="The development payee wallet made no invoice" /> : null}
    </div>
  );
}
