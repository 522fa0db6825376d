// The per-model price list of one endpoint, cheapest first; folded when it is long. Metered
// models show their per-token rates and what a typical call costs.
import type { PublicEndpoint } from '../../../../contract/catalog';
import { formatNumber, formatSats } from '../../lib/format';
import { isMeteredPrice, modelPriceLabel, TYPICAL_CALL } from '../../lib/meteredPrice';
import { hasMeteredModels, sortedModels, type ModelPriceRow } from '../../lib/prices';

const FOLD_AFTER = 6;

function FlatTable({ models }: { models: ModelPriceRow[] }) {
  return (
    <table className="data compact">
      <caption className="sr-only">Price per call by model</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col" className="num">
            Sats per call
          </th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.model}>
            <th scope="row">
              <code>{m.model}</code>
            </th>
            <td className="num">{formatNumber(m.typicalSats)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The rates sit under the model's name, so that a phone gives them the table's whole width. */
function MeteredTable({ models }: { models: ModelPriceRow[] }) {
  return (
    <table className="data compact">
      <caption className="sr-only">Price by model, and what a typical call costs</caption>
      <thead>
        <tr>
          <th scope="col">Model and price</th>
          <th scope="col" className="num nowrap">
            Typical call
          </th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.model} data-testid={`model-price-${m.model}`}>
            <th scope="row">
              <code>{m.model}</code>
              <span className="model-rates muted small">{isMeteredPrice(m.price) ? modelPriceLabel(m.price) : `${formatSats(m.price)} per call`}</span>
            </th>
            <td className="num nowrap">{isMeteredPrice(m.price) ? `≈ ${formatSats(m.typicalSats)}` : formatSats(m.typicalSats)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ModelPrices({ endpoint }: { endpoint: PublicEndpoint }) {
  const models = sortedModels(endpoint);
  const metered = hasMeteredModels(endpoint);
  const table = (
    <>
      <div className="table-scroll">{metered ? <MeteredTable models={models} /> : <FlatTable models={models} />}</div>
      {metered ? (
        <p className="muted small">
          Metered: a call pays for the tokens it actually uses. A typical call is{' '}
          {formatNumber(TYPICAL_CALL.inputTokens)} input and {formatNumber(TYPICAL_CALL.outputTokens)} output tokens, rounded up to whole sats.
        </p>
      ) : null}
    </>
  );
  if (models.length <= FOLD_AFTER) return table;
  return (
    <details className="fold">
      <summary>Prices for {models.length} models</summary>
      {table}
    </details>
  );
}
