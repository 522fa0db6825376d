// Receipts of the paid calls made from this tab ("Try it"), newest first, for the Account page.
// Kept in memory only, like a token that is not remembered: a receipt names the token that paid.
import { createContext, useCallback, useMemo, useState, type ReactNode } from 'react';
import { upsertReceipt, type CallReceipt } from '../lib/callReceipt';

const KEEP = 20;

export interface CallReceiptsApi {
  receipts: CallReceipt[];
  /** adds a receipt, or replaces the one with the same request id */
  record: (r: CallReceipt) => void;
}

export const CallReceiptsContext = createContext<CallReceiptsApi | null>(null);

export function CallReceiptsProvider({ children }: { children: ReactNode }) {
  const [receipts, setReceipts] = useState<CallReceipt[]>([]);

  const record = useCallback((r: CallReceipt) => {
    setReceipts((list) => upsertReceipt(list, r, KEEP));
  }, []);

  const value = useMemo(() => ({ receipts, record }), [receipts, record]);
  return <CallReceiptsContext.Provider value={value}>{children}</CallReceiptsContext.Provider>;
}
