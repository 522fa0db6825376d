// The catalog, fetched once per page load and shared by every page that shows prices.
import { api } from '../api/client';
import type { PublicCatalog } from '../../../contract/catalog';
import { useAsync, type AsyncState } from './useAsync';

let cached: Promise<PublicCatalog> | null = null;

function loadCatalog(): Promise<PublicCatalog> {
  // a failed load is forgotten so that "retry" asks the server again
  cached ??= api.getCatalog().catch((e: unknown) => {
    cached = null;
    throw e;
  });
  return cached;
}

export function useCatalog(): AsyncState<PublicCatalog> {
  return useAsync(() => loadCatalog(), 'catalog');
}
