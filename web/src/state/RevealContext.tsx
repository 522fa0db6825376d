// Tokens shown to the user once: they stay on screen, on every page, until dismissed.
import { createContext, useCallback, useMemo, useState, type ReactNode } from 'react';
import { useToken } from './useToken';

export interface RevealedToken {
  token: string;
  /** where it came from, for the heading; a child token is shown on the Account page, never made the token in use */
  source: 'topup' | 'hire' | 'child';
  creditedSats?: number;
  /** a claim of an invoice claimed before: the token it already made, nothing credited now */
  again?: boolean;
}

export interface RevealApi {
  reveals: RevealedToken[];
  /** shows a new token and makes it the one in use (in memory, not remembered yet) */
  reveal: (r: RevealedToken) => void;
  dismiss: (token: string) => void;
}

export const RevealContext = createContext<RevealApi | null>(null);

export function RevealProvider({ children }: { children: ReactNode }) {
  const { setToken } = useToken();
  const [reveals, setReveals] = useState<RevealedToken[]>([]);

  const reveal = useCallback(
    (r: RevealedToken) => {
      setReveals((list) => (list.some((x) => x.token === r.token) ? list : [...list, r]));
      setToken(r.token, false);
    },
    [setToken],
  );

  const dismiss = useCallback((token: string) => setReveals((list) => list.filter((x) => x.token !== token)), []);

  const value = useMemo(() => ({ reveals, reveal, dismiss }), [reveals, reveal, dismiss]);
  return <RevealContext.Provider value={value}>{children}</RevealContext.Provider>;
}
