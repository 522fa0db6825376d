// Runs one AI for Hire action: busy flag, error kept for display, 402 tokens revealed, reload after.
import { useCallback, useState } from 'react';
import { toApiError, type ApiError } from '../../api/errors';
import { usePaymentErrors } from '../../hooks/usePaymentErrors';

export interface HireAction {
  busy: boolean;
  error: ApiError | null;
  /** resolves true when the action succeeded */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  clear: () => void;
}

export function useHireAction(onDone?: () => void): HireAction {
  const onPaymentError = usePaymentErrors();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      setError(null);
      try {
        await action();
        onDone?.();
        return true;
      } catch (e) {
        const apiError = toApiError(e);
        onPaymentError(apiError);
        setError(apiError);
        // a state conflict means the page is stale: show the current state under the message
        if (apiError.code === 'invalid_state') onDone?.();
        return false;
      } finally {
        setBusy(false);
      }
    },
    [onDone, onPaymentError],
  );

  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}
