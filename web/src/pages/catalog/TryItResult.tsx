// The answer of a "Try it" call: status, what it cost, the balance left, and the body.
import type { ProxyResult } from '../../api/proxyResult';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatSats } from '../../lib/format';
import { ResponseBody } from './ResponseBody';

export function TryItResult({ result }: { result: ProxyResult }) {
  // a refused call names the balance in its error body (insufficient_balance), not in a header
  const balance = result.balanceSats ?? result.error?.balanceSats ?? null;
  return (
    <div className="try-it-result stack" data-testid="try-it-result">
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd data-testid="try-it-status">{result.status}</dd>
        </div>
        <div>
          <dt>Charged</dt>
          <dd data-testid="try-it-charged">{result.chargedSats !== null ? formatSats(result.chargedSats) : 'nothing'}</dd>
        </div>
        <div>
          <dt>Balance</dt>
          <dd data-testid="try-it-balance">{balance !== null ? formatSats(balance) : '—'}</dd>
        </div>
      </dl>
      {result.error ? <ErrorNotice error={result.error} title={`The call was refused (${result.status})`} /> : null}
      <ResponseBody payload={result.payload} />
    </div>
  );
}
