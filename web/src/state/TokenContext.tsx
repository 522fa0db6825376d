// The token this browser uses: in memory for the session, in localStorage only when remembered.
// A remembered token forgotten or replaced in another tab is forgotten or replaced here too.
import { createContext, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { afterStorageChange, forgetRememberedToken, loadRememberedToken, rememberToken } from '../lib/tokenStorage';

export interface TokenApi {
  token: string | null;
  remembered: boolean;
  /** uses `token` from now on; `remember` also keeps it on this device */
  setToken: (token: string, remember: boolean) => void;
  setRemembered: (remember: boolean) => void;
  /** drops the token in use from memory, and from this device when it is the remembered one */
  forget: () => void;
}

export const TokenContext = createContext<TokenApi | null>(null);

export function TokenProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState(() => {
    const saved = loadRememberedToken();
    return { token: saved, remembered: saved !== null };
  });

  // not remembering leaves storage alone: a token remembered earlier is never dropped silently
  const setToken = useCallback((token: string, remember: boolean) => {
    const kept = remember ? rememberToken(token) : loadRememberedToken() === token;
    setState({ token, remembered: kept });
  }, []);

  const setRemembered = useCallback((remember: boolean) => {
    setState((s) => {
      if (!s.token) return s;
      if (remember) return { ...s, remembered: rememberToken(s.token) };
      if (loadRememberedToken() === s.token) forgetRememberedToken();
      return { ...s, remembered: false };
    });
  }, []);

  const forget = useCallback(() => {
    setState((s) => {
      if (s.token !== null && loadRememberedToken() === s.token) forgetRememberedToken();
      return { token: null, remembered: false };
    });
  }, []);

  // another tab's "Forget token" must not leave this one showing the balance and able to spend
  useEffect(() => {
    const onStorage = (e: StorageEvent): void => {
      if (e.storageArea !== null && e.storageArea !== window.localStorage) return;
      setState((s) => afterStorageChange(s, e) ?? s);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const value = useMemo(() => ({ ...state, setToken, setRemembered, forget }), [state, setToken, setRemembered, forget]);
  return <TokenContext.Provider value={value}>{children}</TokenContext.Provider>;
}
