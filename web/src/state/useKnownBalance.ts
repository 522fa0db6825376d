// The balance of `token` as the latest answer told it, re-rendering when an action learns a new one.
import { useCallback, useSyncExternalStore } from 'react';
import { balanceStore, type BalanceStore } from './balanceStore';

export function useKnownBalance(token: string | null, store: BalanceStore = balanceStore): number | undefined {
  const read = useCallback(() => (token === null ? undefined : store.get(token)), [token, store]);
  return useSyncExternalStore(store.subscribe, read, read);
}

/** The same balance to the msat, when the latest answer that told it said so. */
export function useKnownBalanceMsat(token: string | null, store: BalanceStore = balanceStore): number | undefined {
  const read = useCallback(() => (token === null ? undefined : store.getMsat(token)), [token, store]);
  return useSyncExternalStore(store.subscribe, read, read);
}
