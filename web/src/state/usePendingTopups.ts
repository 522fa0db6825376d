// Access to the watched new-token invoices from any component under PendingTopupsProvider.
import { useContext } from 'react';
import { PendingTopupsContext, type PendingTopupsApi } from './PendingTopupsContext';

export function usePendingTopups(): PendingTopupsApi {
  const ctx = useContext(PendingTopupsContext);
  if (!ctx) throw new Error('usePendingTopups needs a PendingTopupsProvider above it');
  return ctx;
}
