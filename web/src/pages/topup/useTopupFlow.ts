// The top-up flow: create an invoice, pay it, follow its status, then claim a new token or see the refill.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import type { TopupCreated } from '../../../../contract/api';
import { useInvoiceStatus } from '../../hooks/useInvoiceStatus';
import { normalizePreimage } from '../../lib/lightning';
import type { WalletPayment } from '../../lib/wallets';
import { useReveal } from '../../state/useReveal';

export type Done = { kind: 'refill'; creditedSats: number; balanceSats: number | null } | { kind: 'new'; creditedSats: number };

export interface TopupFlow {
  invoice: TopupCreated | null;
  /** the token the invoice refills; null for a new token */
  refillToken: string | null;
  status: 'pending' | 'paid' | 'expired';
  statusError: ApiError | undefined;
  creating: boolean;
  createError: ApiError | null;
  paying: string | null;
  payError: string | null;
  claiming: boolean;
  claimError: ApiError | null;
  /** a new token is paid but no preimage came from a wallet: the user must paste it */
  needsPreimage: boolean;
  done: Done | null;
  create: (amountSats: number, refillToken: string | null) => Promise<void>;
  pay: (label: string, wallet: (invoice: string) => Promise<WalletPayment>) => Promise<void>;
  claim: (preimage: string) => Promise<void>;
  reset: () => void;
}

export function useTopupFlow(): TopupFlow {
  const { reveal } = useReveal();
  const [invoice, setInvoice] = useState<TopupCreated | null>(null);
  const [refillToken, setRefillToken] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<ApiError | null>(null);
  const [paying, setPaying] = useState<string | null>(null);
  const [payError, setPayError] = useState<string | null>(null);
  const [preimage, setPreimage] = useState<string | null>(null);
  const [claiming, setClaiming] = useState(false);
  const [claimError, setClaimError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const claimedRef = useRef<string | null>(null);
  const { status, error: statusError, pollNow } = useInvoiceStatus(invoice && !done ? invoice.payment_hash : null);

  const reset = useCallback(() => {
    setInvoice(null);
    setRefillToken(null);
    setCreateError(null);
    setPayError(null);
    setPreimage(null);
    setClaimError(null);
    setDone(null);
    claimedRef.current = null;
  }, []);

  const create = useCallback(
    async (amountSats: number, token: string | null) => {
      reset();
      setCreating(true);
      try {
        setInvoice(await api.createTopup(amountSats, token ?? undefined));
        setRefillToken(token);
      } catch (e) {
        setCreateError(toApiError(e));
      } finally {
        setCreating(false);
      }
    },
    [reset],
  );

  const claim = useCallback(
    async (raw: string) => {
      if (!invoice) return;
      const value = normalizePreimage(raw);
      claimedRef.current = value;
      setClaiming(true);
      setClaimError(null);
      try {
        const result = await api.claimTopup(value, refillToken ?? undefined);
        if (result.token) reveal({ token: result.token, source: 'topup', creditedSats: result.credited_sats, balanceSats: result.balance_sats });
        setDone(refillToken ? { kind: 'refill', creditedSats: result.credited_sats, balanceSats: result.balance_sats ?? null } : { kind: 'new', creditedSats: result.credited_sats });
      } catch (e) {
        claimedRef.current = null;
        setClaimError(toApiError(e));
      } finally {
        setClaiming(false);
      }
    },
    [invoice, refillToken, reveal],
  );

  const pay = useCallback(
    async (label: string, wallet: (invoice: string) => Promise<WalletPayment>) => {
      if (!invoice) return;
      setPaying(label);
      setPayError(null);
      try {
        const paid = await wallet(invoice.invoice);
        if (paid.preimage) setPreimage(normalizePreimage(paid.preimage));
        pollNow();
      } catch (e) {
        setPayError(e instanceof Error && e.message ? e.message : 'The wallet did not pay the invoice.');
      } finally {
        setPaying(null);
      }
    },
    [invoice, pollNow],
  );

  // a refill is credited by the status poll itself: read the new balance and finish
  useEffect(() => {
    if (status !== 'paid' || !invoice || !refillToken || done) return;
    let live = true;
    api.getBalance(refillToken).then(
      (b) => live && setDone({ kind: 'refill', creditedSats: invoice.amount_sats, balanceSats: b.balance_sats }),
      () => live && setDone({ kind: 'refill', creditedSats: invoice.amount_sats, balanceSats: null }),
    );
    return () => {
      live = false;
    };
  }, [status, invoice, refillToken, done]);

  // a new token needs the claim: made as soon as the wallet's preimage and the payment are both known
  useEffect(() => {
    if (status === 'paid' && !refillToken && preimage && claimedRef.current !== preimage && !done) void claim(preimage);
  }, [status, refillToken, preimage, claim, done]);

  return {
    invoice,
    refillToken,
    status,
    statusError,
    creating,
    createError,
    paying,
    payError,
    claiming,
    claimError,
    needsPreimage: status === 'paid' && !refillToken && !done && (!preimage || claimError !== null),
    done,
    create,
    pay,
    claim,
    reset,
  };
}
