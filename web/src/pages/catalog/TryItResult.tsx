// The answer of a "Try it" call: status, what it cost (a stream's ceiling until its actual charge
// is known), the tokens it used, the balance left, its request id, and the body.
import type { ApiError } from '../../api/errors';
import type { ProxyHead, ProxyResult } from '../../api/proxyResult';
import { ErrorNotice } from '../../components/ErrorNotice';
import { tokenCountsText, type CallReceipt } from '../../lib/callReceipt';
import { formatSats } from '../../lib/format';
import { ResponseBody } from './ResponseBody';
import { chargedFact, type ChargePhase } from './tryItCharge';

interface TryItResultProps {
  head: ProxyHead;
  /** null while the body is still arriving */
  result: ProxyResult | null;
  receipt: CallReceipt | null;
  phase: ChargePhase;
  chargeError: ApiError | null;
  /** the user stopped reading a stream: the upstream's work is still paid */
  cancelled: boolean;
  onRetryCharge: () => void;
}

export function TryItResult({ head, result, receipt, phase, chargeError, cancelled, onRetryCharge }: TryItResultProps) {
  // a refused call names the balance in its error body (insufficient_balance), not in a header
  const balance = receipt ? receipt.balanceSats : (head.balanceSats ?? result?.error?.balanceSats ?? null);
  const held = receipt?.charge.state === 'held' ? receipt.charge.maxSats : null;
  return (
    <div className="try-it-result stack" data-testid="try-it-result">
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd data-testid="try-it-status">{head.status}</dd>
        </div>
        <div>
          <dt>Charged</dt>
          <dd data-testid="try-it-charged">{chargedFact(head, receipt, phase)}</dd>
        </div>
        {receipt?.usage ? (
          <div>
            <dt>Tokens</dt>
            <dd data-testid="try-it-tokens">{tokenCountsText(receipt.usage)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Balance</dt>
          <dd data-testid="try-it-balance">{balance !== null ? formatSats(balance) : '—'}</dd>
        </div>
        {head.requestId ? (
          <div>
            <dt>Request id</dt>
            <dd className="break-anywhere">
              <code data-testid="try-it-request-id">{head.requestId}</code>
            </dd>
          </div>
        ) : null}
      </dl>
      {held !== null && phase !== 'failed' ? (
        <p className="muted small">
          A streamed answer holds up to {formatSats(held)} while it runs; once it ends it costs only the tokens it used, and the rest goes
          back to the balance.
        </p>
      ) : null}
      {cancelled && receipt ? (
        <p className="notice notice-info" data-testid="try-it-cancelled">
          You stopped reading the answer. The upstream still finishes it, and its tokens are paid (never more than the amount held).
        </p>
      ) : null}
      {phase === 'failed' && chargeError ? (
        <ErrorNotice error={chargeError} title="The actual charge could not be read yet" onRetry={onRetryCharge} testId="try-it-charge-error" />
      ) : null}
      {result?.error ? <ErrorNotice error={result.error} title={`The call was refused (${result.status})`} /> : null}
      {result ? <ResponseBody payload={result.payload} /> : phase === 'receiving' ? <p className="muted">Receiving the answer…</p> : null}
    </div>
  );
}
