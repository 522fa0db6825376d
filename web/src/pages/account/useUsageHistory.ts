// The usage rows of a range: the first page when the range (or `version`) changes, more on demand.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import { appendPage, emptyHistory, type HistoryState } from '../../lib/usage';

export const PAGE_SIZE = 50;

export interface UsageHistory extends HistoryState {
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | undefined;
  loadMore: () => void;
  reload: () => void;
}

export function useUsageHistory(token: string, from: number, to: number, version: number): UsageHistory {
  const [state, setState] = useState<HistoryState>(emptyHistory);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [round, setRound] = useState(0);
  // the load in flight: a new range or a reload cancels it (its page belongs to the old rows)
  const current = useRef<AbortController | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    current.current?.abort();
    current.current = controller;
    setLoading(true);
    setLoadingMore(false);
    setError(undefined);
    api.getUsage(token, { limit: PAGE_SIZE, from, to }, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setState(appendPage(emptyHistory, page));
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setState(emptyHistory);
        setError(toApiError(e));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [token, from, to, version, round]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    const controller = current.current;
    if (!cursor || !controller || loadingMore) return;
    setLoadingMore(true);
    setError(undefined);
    api.getUsage(token, { limit: PAGE_SIZE, cursor, from, to }, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setState((s) => (s.nextCursor === cursor ? appendPage(s, page) : s));
        setLoadingMore(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(toApiError(e));
        setLoadingMore(false);
      },
    );
  }, [state.nextCursor, token, from, to, loadingMore]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, loading, loadingMore, error, loadMore, reload };
}
