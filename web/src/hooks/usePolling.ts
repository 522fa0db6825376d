// Refreshes what a page shows while it is visible: every `intervalMs`, and at once when the tab
// comes back into view (a phone back from its wallet app). A fallback beside live events.
import { useEffect } from 'react';

export function usePolling(refresh: () => void, intervalMs: number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const visible = (): boolean => document.visibilityState === 'visible';
    const timer = window.setInterval(() => {
      if (visible()) refresh();
    }, intervalMs);
    const onVisibility = (): void => {
      if (visible()) refresh();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [refresh, intervalMs, enabled]);
}
