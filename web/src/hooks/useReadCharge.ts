// Reads a metered stream's actual charge once it ended and files the settled receipt, with the
// state the view shows meanwhile ("reading…", or why it could not be read).
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { toApiError, type ApiError } from '../api/errors';
import { readActualCharge } from '../lib/actualCharge';
import type { CallReceipt } from '../lib/callReceipt';
import { useCallReceipts } from '../state/useCallReceipts';

export interface ReadChargeState {
  status: 'idle' | 'reading' | 'failed';
  error: ApiError | null;
}

export function useReadCharge(): ReadChargeState & { read: (r: CallReceipt) => Promise<void>; cancel: () => void } {
  const { record } = useCallReceipts();
  const [state, setState] = useState<ReadChargeState>({ status: 'idle', error: null });
  const controllerRef = useRef<AbortController | null>(null);
  useEffect(() => () => controllerRef.current?.abort(), []);

  const cancel = useCallback(() => {
    controllerRef.current?.abort();
    setState({ status: 'idle', error: null });
  }, []);

  const read = useCallback(
    async (r: CallReceipt) => {
      controllerRef.current?.abort();
      const controller = new AbortController();
      controllerRef.current = controller;
      setState({ status: 'reading', error: null });
      try {
        const settled = await readActualCharge(api, r, { signal: controller.signal });
        if (controller.signal.aborted) return;
        record(settled);
        setState({ status: 'idle', error: null });
      } catch (e) {
        if (!controller.signal.aborted) setState({ status: 'failed', error: toApiError(e) });
      }
    },
    [record],
  );

  return { ...state, read, cancel };
}
