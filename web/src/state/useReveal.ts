// Access to the token reveal list from any component under RevealProvider.
import { useContext } from 'react';
import { RevealContext, type RevealApi } from './RevealContext';

export function useReveal(): RevealApi {
  const ctx = useContext(RevealContext);
  if (!ctx) throw new Error('useReveal needs a RevealProvider above it');
  return ctx;
}
