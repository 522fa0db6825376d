// The invoice to pay: QR code, copyable text, wallet buttons, live status and countdown.
import { useRef } from 'react';
import type { TopupCreated } from '../../../../contract/api';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { QrCode } from '../../components/QrCode';
import { useFocusWhenLost } from '../../hooks/useFocusWhenLost';
import { useNow } from '../../hooks/useNow';
import { formatCountdown, formatSats, shortToken } from '../../lib/format';
import { lightningQrText, lightningUri } from '../../lib/lightning';
import { PreimageForm } from './PreimageForm';
import type { TopupFlow } from './useTopupFlow';
import { WalletButtons } from './WalletButtons';

export function InvoicePanel({ flow, invoice }: { flow: TopupFlow; invoice: TopupCreated }) {
  const now = useNow(flow.status === 'pending');
  // "Create invoice" is gone once the invoice shows: focus goes on to it
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusWhenLost(headingRef);
  const secondsLeft = invoice.expires_at - now;
  const expired = flow.status === 'expired' || (flow.status === 'pending' && secondsLeft <= 0);
  const statusText = expired
    ? 'This invoice has expired.'
    : flow.status === 'paid'
      ? flow.claiming
        ? 'Paid. Getting your token…'
        : 'Paid.'
      : `Waiting for payment — expires in ${formatCountdown(secondsLeft)}`;

  return (
    <section className="card stack invoice" aria-labelledby="invoice-h" data-testid="invoice-panel">
      <h2 id="invoice-h" ref={headingRef} tabIndex={-1}>
        Pay {formatSats(invoice.amount_sats)}
      </h2>
      <p className="muted">
        {flow.refillToken ? <>Credits your token {shortToken(flow.refillToken)}.</> : <>Creates a new token when paid.</>}
      </p>
      <p className={`invoice-status status-${expired ? 'expired' : flow.status}`} role="status" aria-live="polite" data-testid="invoice-status" data-status={expired ? 'expired' : flow.status}>
        {statusText}
      </p>
      <div className="invoice-grid">
        <QrCode
          text={lightningQrText(invoice.invoice)}
          label={`QR code of the Lightning invoice for ${formatSats(invoice.amount_sats)}`}
          spent={expired ? 'Expired' : flow.status === 'paid' ? 'Paid' : null}
        />
        <div className="stack">
          <label htmlFor="invoice-text" className="small">
            Lightning invoice
          </label>
          <textarea id="invoice-text" className="mono invoice-text" readOnly rows={4} value={invoice.invoice} data-testid="invoice-text" onFocus={(e) => e.target.select()} />
          {/* an expired invoice can no longer be paid: nothing offers to pay it */}
          {expired ? null : (
            <div className="row">
              <CopyButton text={invoice.invoice} label="Copy invoice" testId="copy-invoice-button" />
              <a className="btn btn-secondary btn-small" href={lightningUri(invoice.invoice)} data-testid="lightning-link">
                Open in wallet app
              </a>
            </div>
          )}
          {!expired && flow.status === 'pending' ? <WalletButtons flow={flow} /> : null}
        </div>
      </div>
      {!expired && flow.status === 'pending' ? (
        <div className="row">
          <p className="small muted grow">
            {flow.refillToken
              ? 'Paying from a phone? Scan the code: the sats are added to your token as soon as it is paid.'
              : 'Paying from a phone? Scan the code: this page shows your token as soon as it is paid — also after a reload, or in another tab of this browser.'}
          </p>
          <button type="button" className="btn btn-secondary btn-small" onClick={flow.checkNow} data-testid="check-now-button">
            I paid — check now
          </button>
        </div>
      ) : null}
      {flow.statusError ? <p className="muted small">Checking the payment failed ({flow.statusError.message}). Still trying…</p> : null}
      {flow.payError ? (
        <p className="field-error" role="alert">
          {flow.payError}
        </p>
      ) : null}
      {flow.needsPreimage ? <PreimageForm claiming={flow.claiming} onClaim={(p) => void flow.claim(p)} /> : null}
      {flow.claimError ? <ErrorNotice error={flow.claimError} title="The token could not be claimed" /> : null}
      <div className="row">
        <button type="button" className={expired ? 'btn btn-primary' : 'btn btn-ghost'} onClick={flow.reset} data-testid="new-invoice-button">
          {expired ? 'Create a new invoice' : 'Choose another amount'}
        </button>
      </div>
    </section>
  );
}
