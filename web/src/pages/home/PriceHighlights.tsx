// A compact table of every catalog endpoint with its price range, read live from the catalog.
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { useCatalog } from '../../hooks/useCatalog';
import { TYPICAL_CALL } from '../../lib/meteredPrice';
import { endpointSlug, hasMeteredModels, priceLabel } from '../../lib/prices';
import { formatNumber, formatSats } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';

export function PriceHighlights() {
  const { data, error, loading, reload } = useCatalog();
  if (error) return <ErrorNotice error={error} title="Prices could not be loaded" onRetry={reload} />;
  if (loading || !data) return <Skeleton lines={6} label="Loading prices…" />;
  const metered = data.apis.some((api) => api.endpoints.some(hasMeteredModels));
  return (
    <>
      <div className="table-scroll">
        <table className="data" data-testid="home-prices">
          <caption className="sr-only">Price per call of each endpoint</caption>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Price per call</th>
            </tr>
          </thead>
          <tbody>
            {data.apis.flatMap((api) =>
              api.endpoints.map((ep) => (
                <tr key={`${api.name} ${ep.method} ${ep.path}`}>
                  <th scope="row">
                    <Link to={`${paths.catalog}#${endpointSlug(api.name, ep)}`}>{ep.title}</Link>{' '}
                    <span className="muted small">{api.title}</span>
                  </th>
                  <td>{priceLabel(ep)}</td>
                </tr>
              )),
            )}
            <tr>
              <th scope="row">
                Post a task on AI for Hire <span className="muted small">AI for Hire</span>
              </th>
              <td>{formatSats(data.hire.post_task_sats)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      {metered ? (
        <p className="muted small" data-testid="home-prices-metered-note">
          ≈ marks prices metered by tokens: a call pays for the tokens it actually uses. A typical call is{' '}
          {formatNumber(TYPICAL_CALL.inputTokens)} input and {formatNumber(TYPICAL_CALL.outputTokens)} output tokens, rounded up to whole
          sats.
        </p>
      ) : null}
    </>
  );
}
