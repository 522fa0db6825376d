// The per-model price list of one endpoint, cheapest first; folded when it is long.
import type { PublicEndpoint } from '../../../../contract/catalog';
import { formatNumber } from '../../lib/format';
import { sortedModels } from '../../lib/prices';

const FOLD_AFTER = 6;

export function ModelPrices({ endpoint }: { endpoint: PublicEndpoint }) {
  const models = sortedModels(endpoint);
  const table = (
    <div className="table-scroll">
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
          {models.map(([model, sats]) => (
            <tr key={model}>
              <th scope="row">
                <code>{model}</code>
              </th>
              <td className="num">{formatNumber(sats)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  if (models.length <= FOLD_AFTER) return table;
  return (
    <details className="fold">
      <summary>Prices for {models.length} models</summary>
      {table}
    </details>
  );
}
