// Server health, read once per page load; tells which wallet backend is behind the server.
import { api } from '../api/client';
import type { Health } from '../../../contract/api';
import { useAsync } from './useAsync';

let cached: Promise<Health> | null = null;

function loadHealth(): Promise<Health> {
  cached ??= api.getHealth().catch((e: unknown) => {
    cached = null;
    throw e;
  });
  return cached;
}

export function useHealth() {
  const state = useAsync(() => loadHealth(), 'health');
  /** true only when the server says so: the development wallet must never show with a real backend */
  const isDevWallet = state.data?.wallet === 'devnode';
  return { ...state, isDevWallet };
}
