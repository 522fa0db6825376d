// Prices of catalog endpoints: per model (flat or metered) or one per endpoint, as ranges and labels.
// A metered model counts by its typical call, so pills, ranges and "cheapest first" compare like with like.
import type { PublicEndpoint } from '../../../contract/catalog';
import { formatNumber } from './format';
import { isMeteredPrice, typicalCallSats, type ModelPrice } from './meteredPrice';

export interface ModelPriceRow {
  model: string;
  price: ModelPrice;
  /** sats per call (flat) or per typical call (metered, rounded up) */
  typicalSats: number;
}

/** True when at least one of the endpoint's models is priced by tokens. */
export function hasMeteredModels(ep: PublicEndpoint): boolean {
  return Object.values(ep.models ?? {}).some(isMeteredPrice);
}

export function priceRange(ep: PublicEndpoint): { min: number; max: number } {
  const rows = sortedModels(ep);
  if (rows.length > 0) return { min: rows[0]?.typicalSats ?? 0, max: Math.max(...rows.map((r) => r.typicalSats)) };
  const p = ep.price_sats ?? 0;
  return { min: p, max: p };
}

/** "30 sats", "30–150 sats", "free"; with a metered model: "≈ 1–8 sats per typical call". */
export function priceLabel(ep: PublicEndpoint): string {
  if (ep.free) return 'free';
  const { min, max } = priceRange(ep);
  const amount = min === max ? `${formatNumber(min)} ${min === 1 ? 'sat' : 'sats'}` : `${formatNumber(min)}–${formatNumber(max)} sats`;
  return hasMeteredModels(ep) ? `≈ ${amount} per typical call` : amount;
}

/** Models sorted from cheapest to dearest (metered ones by their typical call), then by name. */
export function sortedModels(ep: PublicEndpoint): ModelPriceRow[] {
  return Object.entries(ep.models ?? {})
    .map(([model, price]) => ({ model, price, typicalSats: typicalCallSats(price) }))
    .sort((a, b) => a.typicalSats - b.typicalSats || a.model.localeCompare(b.model));
}

/** A stable, readable id for an endpoint, used in anchors and test ids: openai-chat-completions. */
export function endpointSlug(apiName: string, ep: PublicEndpoint): string {
  const rest = ep.upstream_path.replace(/^\/v\d+\//, '/').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${apiName}-${rest || 'root'}${ep.method === 'GET' ? '-get' : ep.method === 'DELETE' ? '-delete' : ''}`.toLowerCase();
}
