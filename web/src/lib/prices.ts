// Prices of catalog endpoints: per model or one per endpoint, as ranges and labels.
import type { PublicEndpoint } from '../../../contract/catalog';
import { formatNumber } from './format';

export function priceRange(ep: PublicEndpoint): { min: number; max: number } {
  if (ep.models && Object.keys(ep.models).length > 0) {
    const values = Object.values(ep.models);
    return { min: Math.min(...values), max: Math.max(...values) };
  }
  const p = ep.price_sats ?? 0;
  return { min: p, max: p };
}

export function priceLabel(ep: PublicEndpoint): string {
  if (ep.free) return 'free';
  const { min, max } = priceRange(ep);
  if (min === max) return `${formatNumber(min)} ${min === 1 ? 'sat' : 'sats'}`;
  return `${formatNumber(min)}–${formatNumber(max)} sats`;
}

/** Models sorted from cheapest to dearest, then by name. */
export function sortedModels(ep: PublicEndpoint): Array<[string, number]> {
  return Object.entries(ep.models ?? {}).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
}

/** A stable, readable id for an endpoint, used in anchors and test ids: openai-chat-completions. */
export function endpointSlug(apiName: string, ep: PublicEndpoint): string {
  const rest = ep.upstream_path.replace(/^\/v\d+\//, '/').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${apiName}-${rest || 'root'}${ep.method === 'GET' ? '-get' : ep.method === 'DELETE' ? '-delete' : ''}`.toLowerCase();
}
