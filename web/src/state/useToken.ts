// Access to the token context from any component under TokenProvider.
import { useContext } from 'react';
import { TokenContext, type TokenApi } from './TokenContext';

export function useToken(): TokenApi {
  const ctx = useContext(TokenContext);
  if (!ctx) throw new Error('useToken needs a TokenProvider above it');
  return ctx;
}
