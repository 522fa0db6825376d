// Keeps a page's data fresh without spending the server's per-minute budget: while live events
// arrive nothing polls (the page asks through `request` on each event); without them, a slow poll
// while the tab is visible; after a 429, nothing at all until its Retry-After has passed, and then
// one refresh (which also redoes what the 429 refused).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/errors';
import { retryAtMs } from '../lib/rateLimit';
import { usePolling } from './usePolling';

export interface BackgroundRefreshOptions {
  /** poll every `intervalMs` while the tab is visible (false while live events do the work) */
  poll: boolean;
  intervalMs: number;
  /** the latest error of each load the page makes (always as many): a 429 among them holds refreshes back */
  errors: readonly (ApiError | null | undefined)[];
}

export interface BackgroundRefresh {
  /** refreshes now, or once the wait a 429 asked for is over */
  request: () => void;
  /** until when (ms) the server asked to wait; null when not waiting */
  waitUntil: number | null;
}

export function useBackgroundRefresh(refresh: () => void, opts: BackgroundRefreshOptions): BackgroundRefresh {
  const refreshNow = useRef(refresh);
  refreshNow.current = refresh;
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const waiting = useRef<number | null>(null);
  waiting.current = waitUntil;

  // each new 429 sets the wait (the latest one counts: its Retry-After is the server's newest word)
  useEffect(() => {
    const now = Date.now();
    const until = opts.errors.reduce<number | null>((max, e) => {
      const at = retryAtMs(e, now);
      return at !== null && (max === null || at > max) ? at : max;
    }, null);
    if (until !== null) setWaitUntil(until);
    // the errors' identities are the inputs: a new failure is a new object
  }, opts.errors);

  // the wait over: one refresh, whatever was asked meanwhile
  useEffect(() => {
    if (waitUntil === null) return;
    const timer = window.setTimeout(() => {
      setWaitUntil(null);
      refreshNow.current();
    }, Math.max(0, waitUntil - Date.now()));
    return () => window.clearTimeout(timer);
  }, [waitUntil]);

  const request = useCallback(() => {
    if (waiting.current !== null) return; // the refresh at the end of the wait covers it
    refreshNow.current();
  }, []);

  usePolling(request, opts.intervalMs, opts.poll);
  return { request, waitUntil };
}
