// Access to this tab's call receipts from any component under CallReceiptsProvider.
import { useContext } from 'react';
import { CallReceiptsContext, type CallReceiptsApi } from './CallReceiptsContext';

export function useCallReceipts(): CallReceiptsApi {
  const ctx = useContext(CallReceiptsContext);
  if (!ctx) throw new Error('useCallReceipts needs a CallReceiptsProvider above it');
  return ctx;
}
