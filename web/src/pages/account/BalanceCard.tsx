// The token's balance from GET /api/v1/balance, with a refresh and a top-up link.
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FiatHint } from '../../components/FiatHint';
import { useAsync } from '../../hooks/useAsync';
import { formatMsat, formatSats } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { useKnownBalance, useKnownBalanceMsat } from '../../state/useKnownBalance';

export function BalanceCard({ token, version = 0 }: { token: string; version?: number }) {
  const { error, loading, reload } = useAsync((signal) => api.getBalance(token, signal), [token, version]);
  // the store's value, which this read feeds: the same figure as the header's, and as fresh
  const sats = useKnownBalance(token);
  // to the msat when the latest answer said so (this read does), as the usage history says it
  const msat = useKnownBalanceMsat(token);
  return (
    <section className="card stack" aria-labelledby="balance-h" aria-busy={loading}>
      <h2 id="balance-h">Balance</h2>
      {error ? <ErrorNotice error={error} title="The balance could not be read" onRetry={reload} /> : null}
      <p className="balance" data-testid="balance-value" data-msat={msat}>
        {msat !== undefined ? formatMsat(msat) : sats !== undefined ? formatSats(sats) : error ? '—' : <span className="skeleton-inline">Loading…</span>}
      </p>
      {sats !== undefined ? <FiatHint sats={sats} /> : null}
      <div className="row">
        <Link to={paths.topup} className="btn btn-primary">
          Top up
        </Link>
        <button type="button" className="btn btn-secondary" onClick={reload} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh the balance'}
        </button>
      </div>
    </section>
  );
}
