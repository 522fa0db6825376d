// One "Try it" call at a time: sends it, shows its headers as soon as they arrive (a stream's
// ceiling while it runs), files its receipt, and reads a metered stream's actual charge at its end.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import type { ProxyHead, ProxyResult } from '../../api/proxyResult';
import type { PublicEndpoint } from '../../../../contract/catalog';
import { useReadCharge } from '../../hooks/useReadCharge';
import { receiptOf, type CallReceipt } from '../../lib/callReceipt';
import { useCallReceipts } from '../../state/useCallReceipts';

export function useTryItCall(endpoint: PublicEndpoint, token: string | null) {
  const { receipts, record } = useCallReceipts();
  const charge = useReadCharge();
  const [sending, setSending] = useState(false);
  const [head, setHead] = useState<ProxyHead | null>(null);
  const [result, setResult] = useState<ProxyResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const [requestId, setRequestId] = useState<string | null>(null);
  const callRef = useRef<{ controller: AbortController; byUser: boolean } | null>(null);
  useEffect(() => () => callRef.current?.controller.abort(), []);
  const { read: readCharge, cancel: cancelCharge } = charge;

  /** forgets the last call's answer: a request that cannot be sent must not sit above an older answer */
  const clear = useCallback(() => {
    cancelCharge();
    setError(null);
    setHead(null);
    setResult(null);
    setCancelled(false);
    setRequestId(null);
  }, [cancelCharge]);

  const send = useCallback(
    async (body: unknown, model: string | null): Promise<void> => {
      clear();
      setSending(true);
      const call = { controller: new AbortController(), byUser: false };
      callRef.current = call;
      const { signal } = call.controller;
      const filed: { receipt: CallReceipt | null } = { receipt: null };
      const onHead = (h: ProxyHead): void => {
        if (signal.aborted) return;
        setHead(h);
        filed.receipt = receiptOf(h, { token, endpointTitle: endpoint.title, model, at: Date.now() });
        if (filed.receipt) {
          record(filed.receipt);
          setRequestId(filed.receipt.requestId);
        }
      };
      try {
        const answer = await api.callEndpoint({ method: endpoint.method, path: endpoint.path, token: token ?? undefined, body, signal, onHead });
        if (signal.aborted) return;
        setResult(answer);
      } catch (e) {
        if (!signal.aborted) setError(toApiError(e));
      } finally {
        if (callRef.current === call) callRef.current = null;
        setSending(false);
      }
      // a stream that ended, or that the user left (it is still paid): its usage record says what it cost
      const left = signal.aborted && call.byUser;
      if (left) setCancelled(true);
      if (filed.receipt?.charge.state === 'held' && (!signal.aborted || left)) void readCharge(filed.receipt);
    },
    [endpoint.method, endpoint.path, endpoint.title, token, record, readCharge, clear],
  );

  const cancel = useCallback(() => {
    if (!callRef.current) return;
    callRef.current.byUser = true;
    callRef.current.controller.abort();
  }, []);

  const receipt = requestId === null ? null : (receipts.find((r) => r.requestId === requestId) ?? null);
  const retryCharge = useCallback(() => (receipt ? void readCharge(receipt) : undefined), [receipt, readCharge]);
  return { sending, head, result, error, cancelled, receipt, charge, send, cancel, clear, retryCharge };
}
