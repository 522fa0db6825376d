// A small notice above data that a background refresh could not renew: what is shown stays, and
// after a 429 the page says when it asks again (by itself) instead of offering to hammer.
import type { ApiError } from '../api/errors';
import { useNow } from '../hooks/useNow';
import { isRateLimited, secondsUntil } from '../lib/rateLimit';

interface StaleNoticeProps {
  error: ApiError;
  /** when (ms) the page asks again after a 429 */
  waitUntil: number | null;
  onRetry?: () => void;
}

export function StaleNotice({ error, waitUntil, onRetry }: StaleNoticeProps) {
  const limited = isRateLimited(error);
  useNow(limited && waitUntil !== null); // re-renders each second: the countdown moves
  const seconds = waitUntil !== null ? secondsUntil(waitUntil, Date.now()) : null;
  return (
    <p className="notice notice-warning small" role="status" data-testid="stale-notice" data-code={error.code}>
      {limited
        ? `Too many requests — this page checks again ${seconds ? `in ${seconds} s` : 'now'}. `
        : `This page could not be refreshed: ${error.message} `}
      Showing what was last loaded.
      {!limited && onRetry ? (
        <>
          {' '}
          <button type="button" className="btn btn-ghost btn-small" onClick={onRetry}>
            Refresh
          </button>
        </>
      ) : null}
    </p>
  );
}
