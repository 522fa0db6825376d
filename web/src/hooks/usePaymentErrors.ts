// For paid AI for Hire actions: a 402 that mints a token shows that token at once (it is shown only once).
import { useCallback } from 'react';
import type { ApiError } from '../api/errors';
import { useReveal } from '../state/useReveal';

/** A paid POST made without a token (e.g. paid by L402) answers the token it created: shown at once too. */
export function useCreatedToken(): (created: { token?: string }) => void {
  const { reveal } = useReveal();
  return useCallback(
    (created: { token?: string }) => {
      if (typeof created.token === 'string' && created.token.startsWith('abl_')) reveal({ token: created.token, source: 'hire' });
    },
    [reveal],
  );
}

export function usePaymentErrors(): (error: ApiError) => void {
  const { reveal } = useReveal();
  return useCallback(
    (error: ApiError) => {
      if (error.code === 'payment_required' && error.challenge.token) reveal({ token: error.challenge.token, source: 'hire' });
    },
    [reveal],
  );
}
