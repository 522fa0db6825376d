// The current URL as React state, split into path, query and hash.
import { useMemo, useSyncExternalStore } from 'react';
import { currentHref, subscribe } from './history';

export interface AppLocation {
  pathname: string;
  query: URLSearchParams;
  hash: string;
  href: string;
}

export function useLocation(): AppLocation {
  const href = useSyncExternalStore(subscribe, currentHref, () => '/');
  return useMemo(() => {
    const url = new URL(href, 'http://app.local');
    return { pathname: url.pathname, query: url.searchParams, hash: url.hash, href };
  }, [href]);
}
