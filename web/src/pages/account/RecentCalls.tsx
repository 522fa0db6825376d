// The paid "Try it" calls this tab made with the token: each one's actual charge, tokens and request
// id. Only what this browser saw; the server's usage history is another page.
import { CopyButton } from '../../components/CopyButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useReadCharge } from '../../hooks/useReadCharge';
import { chargeText, tokenCountsText, type CallReceipt } from '../../lib/callReceipt';
import { formatTime } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { useCallReceipts } from '../../state/useCallReceipts';

function RecentCall({ receipt }: { receipt: CallReceipt }) {
  const charge = useReadCharge();
  const held = receipt.charge.state === 'held';
  return (
    <li className="stack" data-testid="recent-call">
      <p>
        <strong>{receipt.endpointTitle}</strong>
        {receipt.model ? (
          <>
            {' '}
            <code>{receipt.model}</code>
          </>
        ) : null}{' '}
        <span className="muted small">{formatTime(Math.floor(receipt.at / 1000))}</span>
      </p>
      <dl className="facts">
        <div>
          <dt>Charged</dt>
          <dd data-testid="recent-call-charged">{chargeText(receipt.charge)}</dd>
        </div>
        {receipt.usage ? (
          <div>
            <dt>Tokens</dt>
            <dd data-testid="recent-call-tokens">{tokenCountsText(receipt.usage)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Request id</dt>
          <dd className="break-anywhere">
            <code data-testid="recent-call-request-id">{receipt.requestId}</code>
          </dd>
        </div>
      </dl>
      <div className="row">
        <CopyButton text={receipt.requestId} label="Copy request id" />
        {held ? (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void charge.read(receipt)} disabled={charge.status === 'reading'}>
            {charge.status === 'reading' ? 'Reading the charge…' : 'Read the actual charge'}
          </button>
        ) : null}
      </div>
      {charge.status === 'failed' && charge.error ? <ErrorNotice error={charge.error} title="The actual charge could not be read yet" testId="recent-call-charge-error" /> : null}
    </li>
  );
}

export function RecentCalls({ token }: { token: string }) {
  const { receipts } = useCallReceipts();
  const mine = receipts.filter((r) => r.token === token);
  return (
    <section className="card stack" aria-labelledby="recent-calls-h" data-testid="recent-calls">
      <h2 id="recent-calls-h">Recent calls from this tab</h2>
      {mine.length === 0 ? (
        <p className="muted">
          None yet. Paid calls you make with “Try it” in the <Link to={paths.catalog}>catalog</Link> show here with what each one cost.
        </p>
      ) : (
        <ul className="plain-list">
          {mine.map((r) => (
            <RecentCall key={r.requestId} receipt={r} />
          ))}
        </ul>
      )}
      <p className="muted small">Kept in this tab until it is closed or reloaded; the request id names a call when you ask about it.</p>
    </section>
  );
}
