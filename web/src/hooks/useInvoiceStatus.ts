// Polls GET /api/v1/topup/{payment_hash} until the invoice is paid or expired.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { toApiError, type ApiError } from '../api/errors';
import type { TopupStatusBody } from '../../../contract/api';

type TopupState = TopupStatusBody['status'];

const POLL_MS = 1500;

export interface InvoiceStatus {
  status: TopupState;
  /** the last poll failed; polling goes on */
  error: ApiError | undefined;
  /** polls now instead of waiting for the next tick (e.g. right after a wallet paid) */
  pollNow: () => void;
}

export function useInvoiceStatus(paymentHash: string | null): InvoiceStatus {
  // the answer is kept with the hash it belongs to, so a new invoice starts as pending
  const [result, setResult] = useState<{ hash: string | null; status: TopupState }>({ hash: null, status: 'pending' });
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [round, setRound] = useState(0);
  const status = result.hash === paymentHash ? result.status : 'pending';
  const statusRef = useRef(status);
  statusRef.current = status;

  useEffect(() => {
    setError(undefined);
    if (!paymentHash || statusRef.current !== 'pending') return;
    const controller = new AbortController();
    let timer: number | undefined;
    const poll = async (): Promise<void> => {
      try {
        const body = await api.getTopupStatus(paymentHash, controller.signal);
        if (controller.signal.aborted) return;
        setError(undefined);
        if (body.status !== 'pending') {
          setResult({ hash: paymentHash, status: body.status });
          return;
        }
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(toApiError(e));
      }
      timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [paymentHash, round]);

  const pollNow = useCallback(() => setRound((r) => r + 1), []);
  return { status, error, pollNow };
}
