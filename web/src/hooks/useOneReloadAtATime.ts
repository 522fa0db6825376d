// lib/oneAtATime.ts for a useAsync load: a reload asked for while the last one is still on its way
// runs once after it, not once per live event, so a busy page does not use up the marketplace's
// per-address request budget on its own.
import { useCallback, useEffect, useRef } from 'react';
import type { AsyncState } from './useAsync';

export function useOneReloadAtATime(state: Pick<AsyncState<unknown>, 'loading' | 'reload'>): () => void {
  const { loading, reload } = state;
  const loadingNow = useRef(loading);
  loadingNow.current = loading;
  const pending = useRef(false);
  useEffect(() => {
    if (loading || !pending.current) return;
    pending.current = false;
    reload();
  }, [loading, reload]);
  return useCallback(() => {
    if (loadingNow.current) pending.current = true;
    else reload();
  }, [reload]);
}
